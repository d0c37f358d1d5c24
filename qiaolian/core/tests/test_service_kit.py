"""The create/update skeleton (core.service_kit): unit required, clean, save, visibility
re-checked inside the transaction, one audit row with the created or changed fields only."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from qiaolian.core.models import AuditEvent
from qiaolian.core.scoping import Action, OutOfScope
from qiaolian.core.service_kit import create_scoped, update_scoped
from qiaolian.core.versioning import EditConflict
from qiaolian.hotline.models import Answer
from qiaolian.hotline.tests.factories import AnswerFactory
from qiaolian.network.models import Group
from qiaolian.network.tests.factories import GroupFactory

GROUP_FIELDS = ("unit", "platform", "name", "notes")
ANSWER_FIELDS = ("unit", "category", "status", "title_zh", "body_zh")


def _answer_clean(answer):
    # The answers service derives these itself; the kit is tested without it.
    answer.full_clean(exclude=["source_case", "created_by", "search_text"])


def _audits(action):
    return AuditEvent.objects.filter(action=action)


@pytest.mark.django_db
def test_create_saves_in_the_unit_and_audits_the_created_fields(cast):
    with transaction.atomic():
        group = create_scoped(
            actor=cast.district_manager,
            obj=Group(unit=cast.district_a, name="旅意侨胞群", platform="wechat"),
            audit_action="group.create",
            fields=GROUP_FIELDS,
        )
    assert group.pk is not None
    event = _audits("group.create").get()
    assert event.object_id == str(group.public_id) and event.unit == cast.district_a
    # Every listed field, as created (the same row the hand-written services wrote).
    assert event.changes == {
        "unit": [None, str(cast.district_a)],
        "platform": [None, "wechat"],
        "name": [None, "旅意侨胞群"],
        "notes": [None, ""],
    }


@pytest.mark.django_db
def test_create_refuses_a_unit_outside_the_actors_reach_and_writes_nothing(cast):
    with transaction.atomic(), pytest.raises(PermissionDenied):
        create_scoped(
            actor=cast.district_manager,
            obj=Group(unit=cast.district_b, name="乙区的群", platform="wechat"),
            audit_action="group.create",
            fields=GROUP_FIELDS,
        )
    assert not Group.objects.exists() and not _audits("group.create").exists()


@pytest.mark.django_db
def test_create_cleans_before_saving(cast):
    with transaction.atomic(), pytest.raises(ValidationError) as caught:
        create_scoped(
            actor=cast.district_manager,
            obj=Group(unit=cast.district_a, name="", platform="wechat"),
            audit_action="group.create",
            fields=GROUP_FIELDS,
        )
    assert "name" in caught.value.message_dict and not Group.objects.exists()


@pytest.mark.django_db
def test_a_failed_visibility_recheck_rolls_the_write_back(cast):
    # The township worker may add in their unit but, holding no ADMIN, does not "see" the
    # record with it: the re-check inside the transaction refuses and nothing stays.
    with pytest.raises(OutOfScope), transaction.atomic():
        create_scoped(
            actor=cast.township_worker,
            obj=Group(unit=cast.township_a1, name="街道群", platform="wechat"),
            audit_action="group.create",
            fields=GROUP_FIELDS,
            visible_action=Action.ADMIN,
        )
    assert not Group.objects.exists() and not _audits("group.create").exists()


@pytest.mark.django_db
def test_the_kit_refuses_to_run_outside_the_services_transaction(cast):
    group = Group(unit=cast.district_a, name="群", platform="wechat")
    # pytest-django wraps each test in a transaction; pretend it does not, as a service
    # without @transaction.atomic would run: the guard refuses before writing anything.
    in_block = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        with pytest.raises(RuntimeError):
            create_scoped(
                actor=cast.district_manager,
                obj=group,
                audit_action="group.create",
                fields=GROUP_FIELDS,
            )
    finally:
        connection.in_atomic_block = in_block


@pytest.mark.django_db
def test_update_saves_only_what_moved_and_audits_before_and_after(cast):
    group = GroupFactory(unit=cast.district_a, name="旧名", notes="备注")
    with transaction.atomic():
        saved, changes = update_scoped(
            actor=cast.district_manager,
            obj=group,
            changes={"name": "  新名  ", "notes": "备注"},
            audit_action="group.update",
            fields=GROUP_FIELDS,
        )
    assert saved.name == "新名"  # text is stripped
    assert changes == {"name": ["旧名", "新名"]}
    assert _audits("group.update").get().changes == {"name": ["旧名", "新名"]}


@pytest.mark.django_db
def test_an_update_that_changes_nothing_saves_and_audits_nothing(cast):
    answer = AnswerFactory(unit=cast.district_a)
    with transaction.atomic():
        same, changes = update_scoped(
            actor=cast.district_manager,
            obj=answer,
            changes={"title_zh": answer.title_zh},
            expected_version=1,
            audit_action="answer.update",
            fields=ANSWER_FIELDS,
            clean=_answer_clean,
        )
    assert changes == {} and same.version == 1 and not _audits("answer.update").exists()


@pytest.mark.django_db
def test_an_update_of_a_versioned_record_moves_the_version_and_refuses_a_stale_one(cast):
    answer = AnswerFactory(unit=cast.district_a)
    with transaction.atomic():
        saved, _changes = update_scoped(
            actor=cast.district_manager,
            obj=answer,
            changes={"title_zh": "新标题"},
            expected_version=1,
            audit_action="answer.update",
            fields=ANSWER_FIELDS,
            clean=_answer_clean,
        )
    assert saved.version == 2
    with transaction.atomic(), pytest.raises(EditConflict) as caught:
        update_scoped(
            actor=cast.district_manager,
            obj=answer,
            changes={"body_zh": "我的答复"},
            expected_version=1,
            audit_action="answer.update",
            fields=ANSWER_FIELDS,
            clean=_answer_clean,
        )
    assert set(caught.value.fields) == {"body_zh"} and caught.value.current_version == 2
    assert Answer.objects.get(pk=answer.pk).body_zh == AnswerFactory.body_zh


@pytest.mark.django_db
def test_an_update_cannot_move_a_record_to_a_unit_out_of_reach(cast):
    group = GroupFactory(unit=cast.district_a)
    with transaction.atomic(), pytest.raises(PermissionDenied):
        update_scoped(
            actor=cast.district_manager,
            obj=group,
            changes={"unit": cast.district_b},
            audit_action="group.update",
            fields=GROUP_FIELDS,
        )
    group.refresh_from_db()
    assert group.unit == cast.district_a and not _audits("group.update").exists()


@pytest.mark.django_db
def test_an_update_refuses_fields_it_was_not_given_and_state_the_check_refuses(cast):
    group = GroupFactory(unit=cast.district_a)
    with transaction.atomic(), pytest.raises(ValueError):
        update_scoped(
            actor=cast.district_manager,
            obj=group,
            changes={"last_contacted_at": None},
            audit_action="group.update",
            fields=GROUP_FIELDS,
        )

    def closed(row):
        raise ValidationError("closed")

    with transaction.atomic(), pytest.raises(ValidationError):
        update_scoped(
            actor=cast.district_manager,
            obj=group,
            changes={"name": "x"},
            audit_action="group.update",
            fields=GROUP_FIELDS,
            check=closed,
        )
    assert Group.objects.get(pk=group.pk).name == group.name


@pytest.mark.django_db
def test_an_update_needs_change_on_the_records_unit(cast):
    group = GroupFactory(unit=cast.district_a)
    with transaction.atomic(), pytest.raises(PermissionDenied):
        update_scoped(
            actor=cast.district_clerk,
            obj=group,
            changes={"name": "x"},
            audit_action="group.update",
            fields=GROUP_FIELDS,
        )
