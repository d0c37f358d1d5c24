"""The answer knowledge base (policy FAQs): create, edit (optimistic `version`), delete,
"make an answer from this resolved case", and suggestions while a case is written.

Suggestions rank answers whose terms overlap the case text: Chinese is cut into overlapping
character bigrams (落户政策 → 落户 户政 政策), Latin text into lower-case words. A few terms
narrow the candidates with LIKE (the same SQL on SQLite and PostgreSQL); the scoring happens in
Python over at most `CANDIDATES` rows, which stays in the low milliseconds for a few thousand
answers.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from qiaolian.core import audit
from qiaolian.core.scoping import Action, require_unit, verb_of
from qiaolian.core.service_kit import create_scoped, update_scoped
from qiaolian.hotline.apps import HOTLINE
from qiaolian.hotline.models import Answer, AnswerStatus, Case, CaseEvent, EventKind, Status
from qiaolian.hotline.timeline import add_event

ANSWER_FIELDS = (
    "unit",
    "category",
    "status",
    "title_zh",
    "title_en",
    "body_zh",
    "body_en",
    "keywords",
)
CANDIDATES = 400
LIKE_TERMS = 12

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_CJK}]+|[0-9a-z]+(?:['’][a-z]+)?")
_CJK_RUN = re.compile(rf"^[{_CJK}]+$")

# Bigrams and words too common in callers' text to say anything about the topic.
_STOP = """
我们 你们 他们 请问 问一 一下 可以 怎么 什么 如何 需要 是否 这个 那个 已经 现在 没有 还是 因为
所以 但是 如果 就是 不是 一个 时候 知道 谢谢 您好 你好 问题 咨询 情况 来电 询问 表示 希望
the and for are you your with this that have has how what can from not was were will our
about please there their they them would could should into been any
"""
STOP_TERMS = frozenset(_STOP.split())


def terms(text: str) -> list[str]:
    """The terms of a text: CJK bigrams (a lone CJK character counts as itself) and Latin words
    of two letters or more, lower-cased, in order, stop terms removed."""
    found: list[str] = []
    for run in _RUNS.findall((text or "").lower()):
        if _CJK_RUN.match(run):
            if len(run) == 1:
                found.append(run)
            else:
                found.extend(run[i : i + 2] for i in range(len(run) - 1))
        elif len(run) >= 2:
            found.append(run)
    return [t for t in found if t not in STOP_TERMS]


def build_search_text(answer: Answer) -> str:
    parts = (
        answer.title_zh,
        answer.title_en,
        answer.keywords,
        answer.body_zh,
        answer.body_en,
    )
    return "\n".join(" ".join(p.lower().split()) for p in parts if p)


# --- writes -------------------------------------------------------------------------------


def _snapshot(answer: Answer) -> dict[str, Any]:
    return audit.snapshot(answer, ANSWER_FIELDS)


def _derive(answer: Answer) -> None:
    for name in ("category", "title_zh", "title_en", "body_zh", "body_en", "keywords"):
        setattr(answer, name, (getattr(answer, name) or "").strip())
    answer.search_text = build_search_text(answer)


def _clean(answer: Answer) -> None:
    # The author is set by the service, never by the form; an author's account may be gone.
    answer.full_clean(exclude=["source_case", "created_by"])


@transaction.atomic
def answer_create(*, actor, unit, source_case: Case | None = None, **fields: Any) -> Answer:
    unknown = set(fields) - set(ANSWER_FIELDS)
    if unknown:
        raise ValueError(f"answer fields {sorted(unknown)} cannot be set here")
    answer = Answer(unit=unit, created_by=actor, source_case=source_case, **fields)
    _derive(answer)
    return create_scoped(
        actor=actor,
        obj=answer,
        action=Action.ADD,
        audit_action="answer.create",
        fields=ANSWER_FIELDS,
        clean=_clean,
    )


@transaction.atomic
def answer_update(
    *, actor, answer: Answer, expected_version: int | None = None, **fields: Any
) -> Answer:
    """Save an edit. With `expected_version` (the version the form was opened at) a save over
    someone else's newer save is refused with EditConflict naming the fields where this edit
    differs from what they saved."""
    current, _changes = update_scoped(
        actor=actor,
        obj=answer,
        changes=fields,
        expected_version=expected_version,
        audit_action="answer.update",
        fields=ANSWER_FIELDS,
        prepare=_derive,
        clean=_clean,
    )
    return current


@transaction.atomic
def answer_delete(*, actor, answer: Answer) -> None:
    require_unit(actor, HOTLINE.DELETE, answer.unit)
    audit.record(
        actor=actor,
        action="answer.delete",
        obj=answer,
        changes=audit.diff(_snapshot(answer), {}),
    )
    answer.delete()


def _last_reply(case: Case) -> str:
    event = (
        CaseEvent.objects.filter(case=case, kind=EventKind.REPLY)  # scoping: the case is checked
        .order_by("-at", "-id")
        .first()
    )
    return event.text if event else ""


@transaction.atomic
def answer_from_case(*, actor, case: Case) -> Answer:
    """A draft answer prefilled from a resolved case: its subject as the title, its description
    and the last reply to the requester as the body; linked through `source_case`."""
    if not Case.objects.restrict(actor, Action.VIEW).filter(pk=case.pk).exists():
        raise PermissionDenied(_("You may not read this case."))
    if case.status not in (Status.RESOLVED, Status.CLOSED):
        raise ValidationError(_("Only a resolved case can become an answer."))
    reply = _last_reply(case)
    body = "\n\n".join(
        part
        for part in (
            case.description.strip(),
            _("Answer given: %(reply)s") % {"reply": reply.strip()} if reply.strip() else "",
        )
        if part
    )
    answer = answer_create(
        actor=actor,
        unit=case.unit,
        source_case=case,
        category=case.category,
        status=AnswerStatus.DRAFT,
        title_zh=case.subject[:200],
        body_zh=body or case.subject,
    )
    add_event(
        case,
        EventKind.EDIT,
        actor,
        text=_("Draft answer made from this case: %(title)s") % {"title": answer.title_zh},
        data={"answer": str(answer.public_id)},
    )
    return answer


# --- reads --------------------------------------------------------------------------------


def visible_answers(user, action: Action = Action.VIEW):
    """Answers the user reads: the scoped ones (restrict), plus the published and internal
    answers of the units above the user's grants (a city FAQ serves every district). Drafts of
    other units never show; narrowed grants see no drafts at all (Answer.assigned_to)."""
    if verb_of(action) != Action.VIEW:
        return Answer.objects.restrict(user, action)
    return Answer.objects.restrict_shared_down(user, action, shared=~Q(status=AnswerStatus.DRAFT))


def _weights(answer: Answer) -> dict[str, int]:
    weights: dict[str, int] = {}
    for text, weight in (
        (answer.body_zh, 1),
        (answer.body_en, 1),
        (answer.title_zh, 3),
        (answer.title_en, 3),
        (answer.keywords, 3),
    ):
        for term in terms(text):
            if weights.get(term, 0) < weight:
                weights[term] = weight
    return weights


def suggest(
    user, text: str, limit: int = 5, *, category: str = "", exclude_pk: int | None = None
) -> list[Answer]:
    """Answers ranked by how many of the text's terms they contain (title and keyword matches
    count three times a body match; a matching category adds a little). Drafts are never
    suggested, and nothing outside `visible_answers(user)`."""
    wanted = Counter(terms(text))
    if not wanted:
        return []
    base = visible_answers(user).exclude(status=AnswerStatus.DRAFT)
    if exclude_pk:
        base = base.exclude(pk=exclude_pk)
    # Rarer-looking terms first (longer words, then later bigrams): the LIKE narrows the set.
    probe = sorted(wanted, key=lambda t: (-len(t), -wanted[t]))[:LIKE_TERMS]
    condition = Q()
    for term in probe:
        condition |= Q(search_text__contains=term)
    if category:
        condition |= Q(category=category)
    candidates = base.filter(condition).only(
        "pk",
        "public_id",
        "unit_id",
        "category",
        "status",
        "title_zh",
        "title_en",
        "body_zh",
        "body_en",
        "keywords",
        "updated_at",
    )[:CANDIDATES]
    scored = []
    for answer in candidates:
        weights = _weights(answer)
        score = sum(weights[t] for t in wanted if t in weights)
        if category and answer.category == category:
            score += 1 if score else 0
        if score > 0:
            answer.score = score
            scored.append(answer)
    scored.sort(key=lambda a: (-a.score, -a.updated_at.timestamp(), a.pk))
    return scored[:limit]
