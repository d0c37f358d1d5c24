"""Audit rows in words: every operation the code writes has a name, changed fields show their
verbose names, values their labels and local times (issue 9, point 5)."""

import re
from pathlib import Path

from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from qiaolian.core import audit_display, registry
from qiaolian.core.models import AuditEvent
from qiaolian.core.testing.cast import Cast
from qiaolian.hotline.models import Case

ROOT = Path(__file__).resolve().parents[2]
# `action="case.assign"`, `audit_action="tomb.create"`: the codes the services write.
WRITTEN = re.compile(r"""\baction\s*=\s*["']([a-z_]+\.[a-z_.-]+)["']""")
# Codes built at run time, listed by hand: the SLA sweep's two notices, unit (de)activation.
BUILT = ("case.sla_warning", "case.sla_breach", "unit.activate", "unit.deactivate")


def written_codes() -> set[str]:
    codes: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or "testing" in path.parts:
            continue
        codes.update(WRITTEN.findall(path.read_text(encoding="utf-8")))
    # Permission actions ("core.view") share the keyword; they are no audit operations.
    return {code for code in codes if code not in registry.all_actions()}


def test_every_operation_the_code_writes_has_a_name():
    labels = registry.audit_action_labels()
    codes = written_codes() | set(BUILT)
    assert len(codes) > 80  # the scan found the services' codes
    unnamed = sorted(
        code for code in codes if code not in labels and f"{code.split('.')[0]}.*" not in labels
    )
    assert not unnamed, f"register a label in the app's audit_actions.py: {unnamed}"


def test_every_operation_name_is_translated():
    with translation.override("zh-hans"):
        untranslated = [
            code
            for code, label in registry.audit_action_labels().items()
            if not re.search(r"[\u4e00-\u9fff]", str(label))
        ]
    assert not untranslated


def test_an_unknown_operation_gets_a_neutral_name_and_an_export_its_kind():
    with translation.override("en"):
        assert audit_display.action_label("nobody.knows") == "Other operation"
        assert audit_display.action_label("export.something-new") == "Data exported"
        assert audit_display.action_label("case.sla_breach") == "Deadline passed"


def test_changes_show_field_names_choice_labels_and_local_times():
    raw = {
        "status": ["assigned", "in_progress"],
        "resolution_due": [None, "2026-03-01T08:30:00.123456+00:00"],
        "first_response_breached": [False, True],
        "made_up": ["a", "b"],
    }
    with translation.override("zh-hans"):
        rows = [(c.label, c.before, c.after) for c in audit_display.changes("hotline.case", raw)]
        due = audit_display.field_label(Case, "resolution_due")
        breached = audit_display.field_label(Case, "first_response_breached")
    assert rows[0] == ("状态", "已分派", "处理中")
    # Stored in UTC with microseconds; shown on the reader's clock (Asia/Shanghai) to the minute.
    assert rows[1] == (due, "（空）", "2026-03-01 16:30")
    assert rows[2] == (breached, "否", "是")
    assert rows[3] == ("Made up", "a", "b")
    assert not re.search(r"[a-z]_[a-z]", due + breached)


def test_the_system_actor_is_named_in_the_readers_language():
    with translation.override("zh-hans"):
        assert audit_display.actor_label("system") == "系统"
        assert audit_display.actor_label("city_admin") == "city_admin"


class OperationLogTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        AuditEvent.objects.create(
            actor_name="system",
            action="case.sla_breach",
            object_type="hotline.case",
            changes={"status": ["assigned", "in_progress"]},
            unit=cls.cast.district_a,
        )

    def test_it_shows_names_not_codes(self):
        self.client.force_login(self.cast.city_admin)
        response = self.client.get(reverse("core:audit_list"), headers={"accept-language": "zh"})
        page = response.content.decode()
        table = page[page.index('id="audit-table"') :]
        self.assertIn("已超时", table)
        self.assertIn("系统", table)
        self.assertIn("已分派 → 处理中", table)
        for code in ("case.sla_breach", "in_progress", "∅", ">system<"):
            self.assertNotIn(code, table)
        # The filter offers operations by name; its value stays the code.
        self.assertIn('<option value="case.sla_breach">已超时</option>', page)
