"""Every service of the core: the state change, its audit row, and the refusals, after which
nothing has been written."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory, TestCase
from django.utils import timezone

from qiaolian.core import audit, services
from qiaolian.core.models import ApiToken, AuditEvent, DictItem, Role, Unit, UnitRole, User
from qiaolian.core.scoping import Action, grants_for
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.factories import (
    DictItemFactory,
    DictTypeFactory,
    UnitFactory,
    UserFactory,
)


@contextmanager
def request_from(ip: str, agent: str = "Mozilla/5.0 (test)"):
    """What RequestContextMiddleware does for every request: bind the caller's address."""
    token = audit.bind_request(RequestFactory().get("/", REMOTE_ADDR=ip, HTTP_USER_AGENT=agent))
    try:
        yield
    finally:
        audit.unbind_request(token)


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).first()


class ServiceTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()

    def setUp(self):
        c = self.cast
        # Fresh instances: grants are cached on a user object, as they are per request.
        self.city_admin = c.fresh(c.city_admin)
        self.manager = c.fresh(c.district_manager)
        self.sibling = c.fresh(c.sibling_manager)
        self.events_before = AuditEvent.objects.count()

    def assert_no_new_event(self):
        # A refused operation leaves no trace that looks like it happened.
        assert AuditEvent.objects.count() == self.events_before


class UnitCreateTests(ServiceTestCase):
    def test_it_creates_a_unit_and_records_who_did_it_from_where(self):
        with request_from("198.51.100.23"):
            unit = services.unit_create(
                actor=self.manager,
                parent=self.cast.township_a1,
                code=" DA1-V1 ",
                name="甲一村侨联",
                kind="village",
            )
        assert Unit.objects.get_parent(unit) == self.cast.township_a1
        assert unit.code == "DA1-V1"  # stray spaces from a paste are not part of a code
        event = last_event("unit.create")
        assert event.actor == self.manager
        assert event.actor_name == "district_manager"
        assert event.unit == unit
        assert event.object_id == str(unit.public_id)
        assert (event.ip, event.user_agent) == ("198.51.100.23", "Mozilla/5.0 (test)")
        assert event.changes["code"] == [None, "DA1-V1"]
        assert event.changes["name"] == [None, "甲一村侨联"]
        assert event.changes["kind"] == [None, "village"]

    def test_it_refuses_a_parent_outside_the_actors_subtree(self):
        with pytest.raises(PermissionDenied):
            services.unit_create(
                actor=self.manager,
                parent=self.cast.district_b,
                code="X1",
                name="乙区某村",
                kind="village",
            )
        assert not Unit.objects.filter(code="X1").exists()
        self.assert_no_new_event()

    def test_it_lets_only_a_system_administrator_add_a_top_level_unit(self):
        with pytest.raises(PermissionDenied):
            services.unit_create(
                actor=self.city_admin, parent=None, code="R2", name="另一市", kind="city"
            )
        root = UserFactory(username="root", is_superuser=True)
        unit = services.unit_create(actor=root, parent=None, code="R2", name="另一市", kind="city")
        assert unit.is_root()

    def test_it_refuses_a_duplicate_code_with_a_field_error_and_writes_nothing(self):
        numchild = self.cast.township_a1.numchild
        with pytest.raises(ValidationError) as caught:
            services.unit_create(
                actor=self.manager,
                parent=self.cast.township_a1,
                code="DB",
                name="重复",
                kind="village",
            )
        assert "code" in caught.value.message_dict
        self.cast.township_a1.refresh_from_db()
        # The tree bookkeeping of the parent must not count a child that was never added.
        assert self.cast.township_a1.numchild == numchild
        self.assert_no_new_event()

    def test_it_refuses_an_unknown_kind(self):
        with pytest.raises(ValidationError) as caught:
            services.unit_create(
                actor=self.manager,
                parent=self.cast.township_a1,
                code="K1",
                name="某单位",
                kind="galaxy",
            )
        assert "kind" in caught.value.message_dict


class UnitUpdateTests(ServiceTestCase):
    def test_it_renames_a_unit_and_records_only_what_changed(self):
        services.unit_update(
            actor=self.manager, unit=self.cast.township_a1, name="甲一街道", code="DA1"
        )
        self.cast.township_a1.refresh_from_db()
        assert self.cast.township_a1.name == "甲一街道"
        event = last_event("unit.update")
        assert event.changes == {"name": ["甲一街道侨联", "甲一街道"]}
        assert event.unit == self.cast.township_a1

    def test_it_writes_no_audit_row_when_nothing_changed(self):
        services.unit_update(actor=self.manager, unit=self.cast.township_a1, name="甲一街道侨联")
        self.assert_no_new_event()

    def test_it_refuses_to_change_a_sibling_unit(self):
        with pytest.raises(PermissionDenied):
            services.unit_update(actor=self.manager, unit=self.cast.district_b, name="被改")
        self.cast.district_b.refresh_from_db()
        assert self.cast.district_b.name == "乙区侨联"
        self.assert_no_new_event()

    def test_it_refuses_fields_that_only_the_tree_may_set(self):
        with pytest.raises(ValueError, match="path"):
            services.unit_update(actor=self.manager, unit=self.cast.township_a1, path="0002")

    def test_it_refuses_an_invalid_value_and_keeps_the_old_one(self):
        with pytest.raises(ValidationError):
            services.unit_update(actor=self.manager, unit=self.cast.township_a1, code="")
        self.cast.township_a1.refresh_from_db()
        assert self.cast.township_a1.code == "DA1"


class UnitActivationTests(ServiceTestCase):
    def test_it_deactivates_and_reactivates_a_unit_as_two_distinct_operations(self):
        services.unit_deactivate(actor=self.manager, unit=self.cast.township_a1)
        self.cast.township_a1.refresh_from_db()
        assert not self.cast.township_a1.is_active
        assert last_event("unit.deactivate").changes == {"is_active": [True, False]}

        services.unit_activate(actor=self.manager, unit=self.cast.township_a1)
        self.cast.township_a1.refresh_from_db()
        assert self.cast.township_a1.is_active
        assert last_event("unit.activate").changes == {"is_active": [False, True]}

    def test_it_refuses_to_deactivate_the_top_level_federation(self):
        with pytest.raises(ValidationError):
            services.unit_deactivate(actor=self.city_admin, unit=self.cast.city)
        self.cast.city.refresh_from_db()
        assert self.cast.city.is_active

    def test_it_refuses_to_deactivate_the_unit_of_the_actors_own_grant(self):
        # The district manager's grant is at the district: once it is inactive the grant no
        # longer counts and nobody below the city could undo the mistake.
        with pytest.raises(PermissionDenied):
            services.unit_deactivate(actor=self.manager, unit=self.cast.district_a)
        self.cast.district_a.refresh_from_db()
        assert self.cast.district_a.is_active
        self.assert_no_new_event()

    def test_it_lets_a_higher_administrator_deactivate_that_unit(self):
        services.unit_deactivate(actor=self.city_admin, unit=self.cast.district_a)
        self.cast.district_a.refresh_from_db()
        assert not self.cast.district_a.is_active


class UnitMoveTests(ServiceTestCase):
    def test_it_moves_a_unit_with_its_whole_subtree(self):
        village = UnitFactory(parent=self.cast.township_a1, code="DA1V", kind="village")
        with request_from("198.51.100.8"):
            moved = services.unit_move(
                actor=self.city_admin, unit=self.cast.township_a1, new_parent=self.cast.district_b
            )
        self.cast.district_b.refresh_from_db()
        village.refresh_from_db()
        assert Unit.objects.get_parent(moved) == self.cast.district_b
        # Paths are the scoping key: the grandchild must follow, or it would stay visible to
        # district A's staff.
        assert village.path.startswith(self.cast.district_b.path)
        assert village in Unit.objects.restrict(
            self.cast.fresh(self.cast.sibling_manager), Action.VIEW
        )
        assert village not in Unit.objects.restrict(
            self.cast.fresh(self.cast.district_manager), Action.VIEW
        )
        event = last_event("unit.move")
        assert event.changes == {"parent": ["甲区侨联", "乙区侨联"]}
        assert (event.actor, event.ip) == (self.city_admin, "198.51.100.8")

    def test_it_refuses_to_move_the_top_level_federation(self):
        root = UserFactory(username="root", is_superuser=True)
        with pytest.raises(ValidationError):
            services.unit_move(actor=root, unit=self.cast.city, new_parent=self.cast.district_a)

    def test_it_refuses_to_move_a_unit_under_itself_or_its_descendant(self):
        for target in (self.cast.district_a, self.cast.township_a1):
            with self.subTest(target=target.code), pytest.raises(ValidationError):
                services.unit_move(
                    actor=self.city_admin, unit=self.cast.district_a, new_parent=target
                )
        self.cast.district_a.refresh_from_db()
        assert Unit.objects.get_parent(self.cast.district_a) == self.cast.city
        self.assert_no_new_event()

    def test_it_refuses_to_move_a_unit_into_a_unit_the_actor_does_not_govern(self):
        # "Move a record to a sibling unit" is how data leaks to the neighbours.
        with pytest.raises(PermissionDenied):
            services.unit_move(
                actor=self.manager, unit=self.cast.township_a1, new_parent=self.cast.district_b
            )
        self.cast.township_a1.refresh_from_db()
        assert Unit.objects.get_parent(self.cast.township_a1) == self.cast.district_a
        self.assert_no_new_event()

    def test_it_refuses_to_move_a_unit_the_actor_does_not_govern(self):
        with pytest.raises(PermissionDenied):
            services.unit_move(
                actor=self.sibling, unit=self.cast.township_a1, new_parent=self.cast.district_b
            )

    def test_it_does_nothing_when_the_parent_is_unchanged(self):
        services.unit_move(
            actor=self.manager, unit=self.cast.township_a1, new_parent=self.cast.district_a
        )
        self.assert_no_new_event()


class UserCreateTests(ServiceTestCase):
    def test_it_creates_a_user_with_a_hashed_password_and_no_password_in_the_log(self):
        with request_from("198.51.100.30"):
            user = services.user_create(
                actor=self.manager,
                username=" wang.fang ",
                home_unit=self.cast.township_a1,
                password="Qiaolian-2026",
                display_name="王芳",
                email="wang@example.org",
            )
        user.refresh_from_db()
        assert user.username == "wang.fang"
        assert user.check_password("Qiaolian-2026")
        event = last_event("user.create")
        assert event.unit == self.cast.township_a1
        assert event.object_id == str(user.public_id)
        assert event.changes["home_unit"] == [None, "甲一街道侨联"]
        assert event.changes["email"] == [None, "wang@example.org"]
        assert event.ip == "198.51.100.30"
        assert "Qiaolian-2026" not in str(event.changes)
        assert "password" not in event.changes

    def test_it_gives_a_user_without_a_password_one_that_cannot_be_used(self):
        user = services.user_create(
            actor=self.manager, username="no.pass", home_unit=self.cast.district_a
        )
        assert not user.has_usable_password()

    def test_it_refuses_a_home_unit_outside_the_actors_subtree(self):
        with pytest.raises(PermissionDenied):
            services.user_create(
                actor=self.manager,
                username="spy",
                password="Qiaolian-2026",
                home_unit=self.cast.district_b,
            )
        assert not User.objects.filter(username="spy").exists()
        self.assert_no_new_event()

    def test_it_refuses_a_weak_password_with_a_field_error(self):
        # The policy holds for every way in, not only the form that happens to check it.
        with pytest.raises(ValidationError) as caught:
            services.user_create(
                actor=self.manager,
                username="weak",
                password="abcdefghij",
                home_unit=self.cast.district_a,
            )
        assert "password" in caught.value.message_dict
        assert not User.objects.filter(username="weak").exists()

    def test_it_refuses_a_taken_username_and_a_bad_email(self):
        with pytest.raises(ValidationError) as caught:
            services.user_create(
                actor=self.manager,
                username="district_clerk",
                email="not-an-email",
                home_unit=self.cast.district_a,
            )
        assert {"username", "email"} <= set(caught.value.message_dict)
        self.assert_no_new_event()


class UserUpdateTests(ServiceTestCase):
    def test_it_updates_a_user_and_records_before_and_after(self):
        clerk = self.cast.district_clerk
        with request_from("198.51.100.31"):
            services.user_update(
                actor=self.manager,
                user=clerk,
                display_name="文员小李",
                email="li@example.org",
                username="district_clerk",
            )
        clerk.refresh_from_db()
        assert clerk.email == "li@example.org"
        event = last_event("user.update")
        assert event.changes == {
            "display_name": ["district_clerk", "文员小李"],
            "email": [None, "li@example.org"],
        }
        assert (event.actor, event.unit, event.ip) == (
            self.manager,
            self.cast.district_a,
            "198.51.100.31",
        )

    def test_it_refuses_to_deactivate_the_actors_own_account(self):
        with pytest.raises(ValidationError):
            services.user_update(actor=self.manager, user=self.manager, is_active=False)
        self.manager.refresh_from_db()
        assert self.manager.is_active

    def test_it_deactivates_another_account(self):
        services.user_update(actor=self.manager, user=self.cast.district_clerk, is_active=False)
        assert not User.objects.get(pk=self.cast.district_clerk.pk).is_active
        assert last_event("user.update").changes == {"is_active": [True, False]}

    def test_it_rolls_back_moving_a_user_to_a_unit_outside_the_actors_scope(self):
        # The save happens before the re-check; the re-check must undo it, not just complain.
        with pytest.raises(PermissionDenied):
            services.user_update(
                actor=self.manager, user=self.cast.district_clerk, home_unit=self.cast.district_b
            )
        assert User.objects.get(pk=self.cast.district_clerk.pk).home_unit == self.cast.district_a
        self.assert_no_new_event()

    def test_it_refuses_to_change_a_user_of_a_sibling_unit(self):
        with pytest.raises(PermissionDenied):
            services.user_update(
                actor=self.manager, user=self.cast.sibling_manager, display_name="改名"
            )
        assert User.objects.get(pk=self.cast.sibling_manager.pk).display_name == "sibling_manager"

    def test_it_refuses_fields_that_would_raise_privileges(self):
        for field in ("is_superuser", "is_staff", "password"):
            with self.subTest(field=field), pytest.raises(ValueError):
                services.user_update(
                    actor=self.manager, user=self.cast.district_clerk, **{field: True}
                )
        assert not User.objects.get(pk=self.cast.district_clerk.pk).is_superuser

    def test_it_refuses_to_take_over_an_account_that_holds_rights_above_the_actor(self):
        # A city-level administrator who happens to live in district A: changing their email
        # (then resetting the password) would hand the district manager the whole city.
        chair = UserFactory(username="chair", home_unit=self.cast.district_a)
        UnitRole.objects.create(
            user=chair, unit=self.cast.city, role=Role.objects.get(code="unit_admin")
        )
        with pytest.raises(PermissionDenied):
            services.user_update(actor=self.manager, user=chair, email="mine@example.org")
        with pytest.raises(PermissionDenied):
            services.user_set_password(actor=self.manager, user=chair, password="Taken-Over-1")
        chair.refresh_from_db()
        assert chair.email is None
        assert not chair.check_password("Taken-Over-1")
        # The city administrator, who covers all of chair's grants, may.
        services.user_update(actor=self.city_admin, user=chair, email="chair@example.org")

    def test_it_refuses_a_user_without_a_home_unit_to_a_unit_administrator(self):
        homeless = UserFactory(username="homeless")
        with pytest.raises(PermissionDenied):
            services.user_update(actor=self.city_admin, user=homeless, display_name="x")


class UserSetPasswordTests(ServiceTestCase):
    def test_it_lets_a_user_set_their_own_password(self):
        clerk = self.cast.fresh(self.cast.district_clerk)  # holds no ADMIN anywhere
        services.user_set_password(actor=clerk, user=clerk, password="Mine-Own-2026")
        clerk.refresh_from_db()
        assert clerk.check_password("Mine-Own-2026")
        event = last_event("user.set_password")
        assert event.actor == clerk
        assert event.changes == {}  # never the password, not even hashed

    def test_it_lets_an_administrator_reset_a_password_in_their_subtree(self):
        services.user_set_password(
            actor=self.manager, user=self.cast.township_worker, password="Reset-By-Admin-1"
        )
        assert User.objects.get(pk=self.cast.township_worker.pk).check_password("Reset-By-Admin-1")
        assert last_event("user.set_password").unit == self.cast.township_a1

    def test_it_refuses_a_sibling_units_user(self):
        with pytest.raises(PermissionDenied):
            services.user_set_password(
                actor=self.manager, user=self.cast.sibling_manager, password="Reset-By-Admin-1"
            )
        assert User.objects.get(pk=self.cast.sibling_manager.pk).check_password(self.cast.password)
        self.assert_no_new_event()

    def test_it_refuses_a_weak_password(self):
        with pytest.raises(ValidationError) as caught:
            services.user_set_password(
                actor=self.manager, user=self.cast.township_worker, password="short1A"
            )
        assert "password" in caught.value.message_dict
        assert User.objects.get(pk=self.cast.township_worker.pk).check_password(self.cast.password)


class GrantTests(ServiceTestCase):
    def setUp(self):
        super().setUp()
        self.staff = Role.objects.get(code="staff")
        self.readonly = Role.objects.get(code="readonly")

    def test_it_grants_a_role_and_the_new_rights_apply_at_once(self):
        worker = self.cast.fresh(self.cast.township_worker)
        grants_for(worker, Action.VIEW)  # loads and caches the grants, as a request would
        with request_from("198.51.100.40"):
            grant = services.role_grant(
                actor=self.manager, user=worker, unit=self.cast.district_a, role=self.readonly
            )
        assert grant.role == self.readonly
        # The cached grants of that user object were dropped, so the new one counts now.
        assert any(g.path == self.cast.district_a.path for g in grants_for(worker, Action.VIEW))
        event = last_event("user.grant")
        assert event.changes == {"grant": [None, "readonly@DA"]}
        assert (event.unit, event.object_id, event.ip) == (
            self.cast.district_a,
            str(worker.public_id),
            "198.51.100.40",
        )

    def test_it_writes_nothing_when_the_grant_already_exists(self):
        services.role_grant(
            actor=self.manager,
            user=self.cast.district_clerk,
            unit=self.cast.district_a,
            role=self.readonly,
        )
        self.assert_no_new_event()
        assert UnitRole.objects.filter(user=self.cast.district_clerk).count() == 1

    def test_it_refuses_a_unit_outside_the_actors_subtree(self):
        with pytest.raises(PermissionDenied):
            services.role_grant(
                actor=self.manager,
                user=self.cast.district_clerk,
                unit=self.cast.district_b,
                role=self.readonly,
            )
        assert not UnitRole.objects.filter(
            unit=self.cast.district_b, user=self.cast.district_clerk
        ).exists()
        self.assert_no_new_event()

    def test_it_refuses_a_user_outside_the_actors_subtree(self):
        with pytest.raises(PermissionDenied):
            services.role_grant(
                actor=self.manager,
                user=self.cast.sibling_manager,
                unit=self.cast.district_a,
                role=self.readonly,
            )

    def test_it_refuses_a_role_with_more_rights_than_the_actors(self):
        # A user manager who may administer accounts but not delete records must not be able
        # to hand out (or take) a role that deletes.
        user_manager = Role.objects.create(
            code="user_manager", name="账号管理员", actions=["view", "admin"]
        )
        actor = UserFactory(username="um", home_unit=self.cast.district_a)
        UnitRole.objects.create(user=actor, unit=self.cast.district_a, role=user_manager)
        with pytest.raises(PermissionDenied):
            services.role_grant(actor=actor, user=actor, unit=self.cast.district_a, role=self.staff)
        assert not UnitRole.objects.filter(user=actor, role=self.staff).exists()
        # A role within the actor's own rights is fine.
        services.role_grant(
            actor=actor,
            user=self.cast.township_worker,
            unit=self.cast.township_a1,
            role=self.readonly,
        )

    def test_it_refuses_a_role_held_only_below_the_grant_unit(self):
        # Holding DELETE in a township does not allow granting it for the whole district.
        actor = UserFactory(username="mixed", home_unit=self.cast.district_a)
        accounts = Role.objects.create(code="accounts", name="账号", actions=["admin", "view"])
        UnitRole.objects.create(user=actor, unit=self.cast.district_a, role=accounts)
        UnitRole.objects.create(user=actor, unit=self.cast.township_a1, role=self.staff)
        with pytest.raises(PermissionDenied):
            services.role_grant(
                actor=actor,
                user=self.cast.district_clerk,
                unit=self.cast.district_a,
                role=self.staff,
            )


class RevokeTests(ServiceTestCase):
    def test_it_revokes_a_grant_and_the_rights_end_at_once(self):
        clerk = self.cast.fresh(self.cast.district_clerk)
        grant = UnitRole.objects.get(user=clerk)
        services.role_revoke(actor=self.manager, grant=grant)
        assert not UnitRole.objects.filter(pk=grant.pk).exists()
        assert last_event("user.revoke").changes == {"grant": ["readonly@DA", None]}
        assert grants_for(self.cast.fresh(clerk), Action.VIEW) == ()

    def test_it_refuses_to_revoke_the_actors_own_administrator_grant(self):
        grant = UnitRole.objects.get(user=self.manager)
        with pytest.raises(ValidationError):
            services.role_revoke(actor=self.manager, grant=grant)
        assert UnitRole.objects.filter(pk=grant.pk).exists()
        self.assert_no_new_event()

    def test_it_refuses_to_revoke_a_grant_in_a_sibling_unit(self):
        grant = UnitRole.objects.get(user=self.cast.sibling_manager)
        with pytest.raises(PermissionDenied):
            services.role_revoke(actor=self.manager, grant=grant)
        assert UnitRole.objects.filter(pk=grant.pk).exists()
        self.assert_no_new_event()


class DictionaryTests(ServiceTestCase):
    def setUp(self):
        super().setUp()
        self.dict_type = DictTypeFactory(code="person_category")
        self.item = DictItemFactory(
            dict_type=self.dict_type,
            value="returned",
            label="归侨",
            label_en="Returned overseas Chinese",
        )
        self.events_before = AuditEvent.objects.count()

    def test_only_configure_at_a_root_unit_counts(self):
        assert services.can_configure(actor=self.city_admin)
        # District managers hold CONFIGURE too, but dictionaries are federation-wide.
        assert not services.can_configure(actor=self.manager)
        assert not services.can_configure(actor=self.cast.fresh(self.cast.nobody))

    def test_it_adds_an_option_and_records_it(self):
        with request_from("198.51.100.50"):
            item = services.dict_item_save(
                actor=self.city_admin,
                dict_type=self.dict_type,
                value="relative",
                label="侨眷",
                label_en="Relative",
            )
        assert item.dict_type == self.dict_type
        event = last_event("dict.item_save")
        assert event.message == "person_category"
        assert event.changes["value"] == [None, "relative"]
        assert (event.actor, event.ip) == (self.city_admin, "198.51.100.50")

    def test_it_records_the_real_before_values_of_an_edited_option(self):
        # A ModelForm copies the new values onto the instance before the service runs; the
        # log must still show what was there before.
        self.item.label = "归国华侨"
        services.dict_item_save(
            actor=self.city_admin, dict_type=self.dict_type, item=self.item, label="归国华侨"
        )
        assert last_event("dict.item_save").changes == {"label": ["归侨", "归国华侨"]}
        assert DictItem.objects.get(pk=self.item.pk).label == "归国华侨"

    def test_it_refuses_an_option_of_another_dictionary(self):
        other = DictTypeFactory(code="case_category")
        with pytest.raises(DictItem.DoesNotExist):
            services.dict_item_save(
                actor=self.city_admin, dict_type=other, item=self.item, label="x"
            )
        assert DictItem.objects.get(pk=self.item.pk).label == "归侨"

    def test_it_refuses_an_administrator_below_the_city(self):
        with pytest.raises(PermissionDenied):
            services.dict_item_save(
                actor=self.manager, dict_type=self.dict_type, value="forged", label="伪造"
            )
        assert not DictItem.objects.filter(value="forged").exists()
        self.assert_no_new_event()

    def test_it_refuses_an_invalid_value_and_writes_nothing(self):
        with pytest.raises(ValidationError) as caught:
            services.dict_item_save(
                actor=self.city_admin, dict_type=self.dict_type, value="not a slug!", label="坏"
            )
        assert "value" in caught.value.message_dict
        with pytest.raises(ValidationError):  # the same value twice in one dictionary
            services.dict_item_save(
                actor=self.city_admin, dict_type=self.dict_type, value="returned", label="重复"
            )
        assert self.dict_type.items.count() == 1
        self.assert_no_new_event()

    def test_it_refuses_unknown_fields(self):
        with pytest.raises(ValueError):
            services.dict_item_save(
                actor=self.city_admin,
                dict_type=self.dict_type,
                value="x",
                label="x",
                dict_type_id=99,
            )


class RoleSaveTests(ServiceTestCase):
    def test_it_creates_a_role_with_its_actions_in_order(self):
        role = services.role_save(
            actor=self.city_admin,
            code="auditor",
            name="审计员",
            actions=["audit", "view"],
            narrowing="subtree",
        )
        assert role.actions == ["audit", "view"]
        assert last_event("role.save").changes["code"] == [None, "auditor"]

    def test_it_records_the_real_before_values_of_an_edited_role(self):
        role = Role.objects.get(code="readonly")
        role.requires_otp = True  # as a ModelForm would have done already
        services.role_save(actor=self.city_admin, role=role, requires_otp=True)
        assert last_event("role.save").changes == {"requires_otp": [False, True]}

    def test_it_refuses_an_administrator_below_the_city(self):
        with pytest.raises(PermissionDenied):
            services.role_save(actor=self.manager, code="mine", name="我的", actions=["view"])
        assert not Role.objects.filter(code="mine").exists()

    def test_it_keeps_the_code_of_a_built_in_role(self):
        with pytest.raises(ValueError):
            services.role_save(
                actor=self.city_admin, role=Role.objects.get(code="staff"), code="renamed"
            )


class ApiTokenTests(ServiceTestCase):
    def test_it_returns_the_secret_once_and_stores_only_its_hash(self):
        token, secret = services.api_token_create(actor=self.manager, name="统计脚本")
        assert secret.startswith("ql_")
        token.refresh_from_db()
        assert token.key_hash == ApiToken.hash_key(secret)
        stored = [str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values()]
        assert not any(secret in value for value in stored)
        assert secret.startswith(token.prefix)
        # Tokens expire by default: a forgotten script must not keep access for ever.
        assert timezone.now() + timedelta(days=89) < token.expires_at
        event = last_event("api_token.create")
        assert (event.actor, event.unit) == (self.manager, self.cast.district_a)
        assert secret not in str(event.changes) + event.message + event.object_repr

    def test_it_can_make_a_token_without_expiry(self):
        token, _secret = services.api_token_create(actor=self.manager, name="长期", days=None)
        assert token.expires_at is None

    def test_it_revokes_the_actors_own_token_once(self):
        token, _secret = services.api_token_create(actor=self.manager, name="t")
        services.api_token_revoke(actor=self.manager, token=token)
        token.refresh_from_db()
        first = token.revoked_at
        assert first is not None
        assert not token.is_usable
        services.api_token_revoke(actor=self.manager, token=token)
        token.refresh_from_db()
        # The first revocation is the fact worth keeping; a second click changes nothing.
        assert token.revoked_at == first
        assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1

    def test_it_lets_an_administrator_revoke_a_token_in_their_subtree(self):
        clerk = self.cast.district_clerk
        token, _secret = services.api_token_create(actor=clerk, name="t")
        services.api_token_revoke(actor=self.manager, token=token)
        token.refresh_from_db()
        assert token.revoked_at is not None

    def test_it_refuses_to_revoke_a_sibling_units_token(self):
        token, _secret = services.api_token_create(actor=self.sibling, name="t")
        with pytest.raises(PermissionDenied):
            services.api_token_revoke(actor=self.manager, token=token)
        token.refresh_from_db()
        assert token.revoked_at is None
