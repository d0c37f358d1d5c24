"""Permissions per domain: qualified actions ("hotline.change"), what roles hold, the data
migration that qualified the old verbs, the built-in roles over newly installed domains, the
scoping helpers that name the rules once, and separation of duties (who entered a record cannot
approve it).

The cross-app case ("hotline.change" edits a case and not a person) lives in
hotline/tests/test_permissions_domains.py: core's tests import no app above core.
"""

import importlib
from contextlib import contextmanager
from unittest import mock

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from qiaolian.core import registry, roles, services
from qiaolian.core.approvals import require_approver
from qiaolian.core.apps import CORE
from qiaolian.core.models import AuditEvent, Role, Unit, UnitRole, User
from qiaolian.core.registry import Domain
from qiaolian.core.scoping import (
    ACTION_LABELS,
    Action,
    DomainActions,
    Grant,
    Narrowing,
    ancestor_paths,
    declared_actions,
    expand_verbs,
    grant_narrowings,
    grant_roots,
    grants_for,
    holds_anywhere,
    model_domain,
    narrowing_q,
    qualify,
    reach_q,
    reaches_unit,
    require_unit,
    shared_down_q,
    verb_of,
)
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.factories import UserFactory

migration = importlib.import_module("qiaolian.core.migrations.0007_role_actions_per_domain")

EN = {"accept-language": "en"}
ZH = {"accept-language": "zh-hans"}


@contextmanager
def domains_declared(extra: dict[str, Domain]):
    """The app registry with `extra` domains added (an app installed later), read afresh."""
    real = declared_actions()
    added = {code: domain.verbs for code, domain in extra.items()}
    with mock.patch.object(roles, "declared_actions", return_value={**real, **added}):
        yield


def role(code: str, actions: list[str], narrowing: str = Narrowing.SUBTREE) -> Role:
    return Role.objects.create(code=code, name=code, actions=actions, narrowing=narrowing)


class QualifiedActionTests(TestCase):
    def test_a_bare_verb_takes_the_domain_and_a_qualified_action_keeps_its_own(self):
        self.assertEqual(qualify(Action.CHANGE, "hotline"), "hotline.change")
        self.assertEqual(qualify("people.view", "hotline"), "people.view")
        with pytest.raises(ValueError):
            qualify("fly", "hotline")

    def test_domain_actions_name_each_verb_and_qualify_a_variable_one(self):
        giving = DomainActions("giving")
        self.assertEqual(giving.APPROVE, "giving.approve")
        self.assertEqual(giving(Action.VIEW), "giving.view")
        self.assertEqual(giving("core.admin"), "core.admin")
        self.assertEqual(CORE.ADMIN, "core.admin")

    def test_the_verb_of_an_action(self):
        self.assertEqual(verb_of("hotline.change"), Action.CHANGE)
        self.assertEqual(verb_of("view"), Action.VIEW)

    def test_a_models_domain_is_its_app_label_unless_it_names_another(self):
        self.assertEqual(model_domain(Unit), "core")
        self.assertEqual(model_domain(AuditEvent), "core")
        self.assertEqual(model_domain(apps.get_model("people", "Person")), "people")
        self.assertEqual(model_domain(apps.get_model("network", "Group")), "network")
        self.assertEqual(model_domain(apps.get_model("hotline", "Case")), "hotline")
        with mock.patch.object(Unit, "scope_domain", "giving", create=True):
            self.assertEqual(model_domain(Unit), "giving")
        # An app that declares no domain of its own (a plain AppConfig, or a QiaolianApp
        # without a domain label) lives under core's permissions.
        self.assertEqual(model_domain(apps.get_model("contenttypes", "ContentType")), "core")
        core_config = apps.get_app_config("core")
        with mock.patch.object(type(core_config), "domain_label", None):
            self.assertEqual(model_domain(Unit), "core")

    def test_every_app_declares_its_domain_and_approve_is_a_verb(self):
        domains = registry.domains()
        self.assertEqual(list(domains)[:1], ["core"])
        self.assertIn("hotline.change", registry.all_actions())
        self.assertIn("core.configure", registry.all_actions())
        self.assertNotIn("people.configure", registry.all_actions())
        self.assertEqual(Action.APPROVE.value, "approve")
        self.assertIn(Action.APPROVE, ACTION_LABELS)

    def test_a_verb_expands_to_every_domain_that_has_it(self):
        declared = [a for a in registry.all_actions() if a.endswith(".configure")]
        self.assertEqual(sorted(expand_verbs(["configure"])), sorted(declared))
        self.assertIn("core.configure", declared)
        self.assertNotIn("people.configure", declared)
        revealing = [a for a in registry.all_actions() if a.endswith(".reveal")]
        self.assertEqual(sorted(expand_verbs(["reveal"])), sorted(revealing))
        self.assertTrue({"hotline.reveal", "network.reveal", "people.reveal"} <= set(revealing))


class GrantsPerDomainTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()

    def user_with(self, actions, narrowing=Narrowing.SUBTREE, unit=None):
        user = UserFactory(home_unit=self.cast.district_a)
        granted = role(f"r{user.pk}", actions, narrowing)
        UnitRole.objects.create(user=user, unit=unit or self.cast.district_a, role=granted)
        return self.cast.fresh(user)

    def test_a_role_grants_only_the_domains_it_names(self):
        user = self.user_with(["hotline.change", "hotline.view"])
        self.assertTrue(holds_anywhere(user, "hotline.change"))
        self.assertFalse(holds_anywhere(user, "people.change"))
        self.assertFalse(holds_anywhere(user, "core.view"))
        # A bare verb asks "in any domain" (what the verb meant before domains).
        self.assertTrue(holds_anywhere(user, Action.CHANGE))
        self.assertFalse(holds_anywhere(user, Action.ADD))

    def test_a_models_restrict_reads_a_bare_verb_in_the_models_domain(self):
        user = self.user_with(["people.view"])
        self.assertEqual(Unit.objects.restrict(user, Action.VIEW).count(), 0)  # core.view
        self.assertEqual(
            set(Unit.objects.restrict(user, "people.view")),
            {self.cast.district_a, self.cast.township_a1},
        )

    def test_a_bare_verb_stored_in_a_role_counts_in_every_domain(self):
        user = self.user_with(["view"])
        for name in registry.domains():
            self.assertTrue(holds_anywhere(user, f"{name}.view"), name)

    def test_the_grants_are_cached_by_qualified_action(self):
        user = self.user_with(["hotline.view"])
        with self.assertNumQueries(1):
            grants_for(user, "hotline.view")
            grants_for(user, "people.view")
            grants_for(user, Action.VIEW)
        self.assertIn("hotline.view", user._scope_grants)

    def test_a_superuser_holds_every_declared_action_and_no_undeclared_one(self):
        root = self.cast.fresh(UserFactory(is_superuser=True))
        every = (Grant(self.cast.city.path, Narrowing.SUBTREE),)
        for action in registry.all_actions():
            self.assertEqual(grants_for(root, action), every, action)
        self.assertEqual(grants_for(root, "people.configure"), ())

    def test_reaches_unit_counts_narrowed_grants_unless_told_not_to(self):
        volunteer = self.cast.fresh(self.cast.volunteer)
        self.assertTrue(reaches_unit(volunteer, "hotline.view", self.cast.township_a1))
        self.assertFalse(
            reaches_unit(volunteer, "hotline.view", self.cast.township_a1, narrowed=False)
        )
        self.assertFalse(reaches_unit(volunteer, "hotline.view", self.cast.district_b))
        self.assertFalse(reaches_unit(volunteer, "hotline.view", None))

    def test_grant_roots_and_narrowings(self):
        user = self.user_with(["people.view"], Narrowing.ASSIGNED, unit=self.cast.district_b)
        UnitRole.objects.create(
            user=user, unit=self.cast.township_a1, role=role("plain", ["people.view"])
        )
        user = self.cast.fresh(user)
        self.assertEqual(
            grant_roots(user, "people.view"),
            tuple(sorted([self.cast.district_b.path, self.cast.township_a1.path])),
        )
        self.assertEqual(
            grant_roots(user, "people.view", subtree_only=True), (self.cast.township_a1.path,)
        )
        self.assertEqual(
            grant_narrowings(user, "people.view"), {Narrowing.SUBTREE, Narrowing.ASSIGNED}
        )
        self.assertEqual(grant_narrowings(user, "hotline.view"), set())

    def test_require_unit_needs_a_whole_subtree_grant_of_that_domain(self):
        user = self.user_with(["hotline.add"])
        require_unit(user, "hotline.add", self.cast.township_a1)
        with pytest.raises(PermissionDenied):
            require_unit(user, "people.add", self.cast.township_a1)
        with pytest.raises(PermissionDenied):
            require_unit(user, "hotline.add", self.cast.district_b)
        volunteer = self.cast.fresh(self.cast.volunteer)
        with pytest.raises(PermissionDenied):
            require_unit(volunteer, "hotline.change", self.cast.district_a)

    def test_the_units_above_a_grant_share_down_except_to_own_records_grants(self):
        a1 = self.cast.township_a1
        self.assertEqual(ancestor_paths(a1.path), [self.cast.city.path, self.cast.district_a.path])
        worker = self.cast.fresh(self.cast.township_worker)
        self.assertEqual(
            shared_down_q(worker, "hotline.view", "path"),
            Q(path__in=[self.cast.city.path, self.cast.district_a.path]),
        )
        self.assertIsNone(shared_down_q(self.cast.fresh(self.cast.portal_user), "hotline.view"))
        self.assertIsNone(shared_down_q(self.cast.fresh(self.cast.nobody), "hotline.view"))

    def test_restrict_shared_down_adds_the_matching_rows_of_the_units_above(self):
        worker = self.cast.fresh(self.cast.township_worker)
        shared = Unit.objects.all().restrict_shared_down(worker, Action.VIEW, shared=~Q(code="C"))
        # District A lies above the worker's township and matches; the city does not match.
        self.assertEqual(set(shared), {self.cast.district_a, self.cast.township_a1})
        portal = self.cast.fresh(self.cast.portal_user)
        self.assertEqual(
            list(Unit.objects.all().restrict_shared_down(portal, Action.VIEW)),
            list(Unit.objects.restrict(portal, Action.VIEW)),
        )

    def test_narrowing_and_reach_conditions(self):
        user = self.cast.fresh(self.cast.portal_user)
        self.assertEqual(narrowing_q(User, user, Narrowing.SUBTREE), Q())
        self.assertEqual(narrowing_q(User, user, Narrowing.OWN), Q(pk=user.pk))
        self.assertEqual(narrowing_q(User, user, Narrowing.ASSIGNED), Q(pk__in=[]))
        self.assertIsNone(reach_q(self.cast.fresh(self.cast.nobody), Action.VIEW, User))
        # Through a foreign key: a subtree grant joins on the path, a narrowed one names rows.
        manager = self.cast.fresh(self.cast.district_manager)
        through = reach_q(manager, Action.ADMIN, User, through="user")
        managed = User.objects.restrict(manager, Action.ADMIN)
        self.assertEqual(
            set(UnitRole.objects.filter(through)), set(UnitRole.objects.filter(user__in=managed))
        )
        self.assertNotIn(
            "sibling_manager",
            UnitRole.objects.filter(through).values_list("user__username", flat=True),
        )
        own = reach_q(user, Action.VIEW, User, through="user")
        self.assertEqual(
            list(UnitRole.objects.filter(own).values_list("user__username", flat=True)),
            ["portal_user"],
        )


class RoleValidationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()

    def test_it_refuses_an_unknown_action_in_both_languages(self):
        for language, expected in (("en", "Unknown actions"), ("zh-hans", "未知的权限")):
            with translation.override(language), pytest.raises(ValidationError) as caught:
                services.role_save(
                    actor=self.cast.city_admin,
                    code="odd",
                    name="奇怪",
                    actions=["hotline.view", "hotline.fly", "nowhere.approve"],
                )
            message = " ".join(caught.value.message_dict["actions"])
            assert expected in message
            assert "hotline.fly" in message and "nowhere.approve" in message
        assert not Role.objects.filter(code="odd").exists()

    def test_it_saves_qualified_actions_sorted(self):
        saved = services.role_save(
            actor=self.cast.city_admin,
            code="caseworker",
            name="个案员",
            actions=["hotline.view", "hotline.change"],
        )
        assert saved.actions == ["hotline.change", "hotline.view"]
        assert saved.grants("hotline.change") and not saved.grants("people.change")

    def test_granting_a_role_needs_each_of_its_actions_over_the_unit(self):
        caseworker = role("caseworker", ["hotline.view", "hotline.change"])
        limited = UserFactory(home_unit=self.cast.district_a)
        UnitRole.objects.create(
            user=limited,
            unit=self.cast.district_a,
            role=role("casemanager", ["core.admin", "core.view", "hotline.view"]),
        )
        target = UserFactory(home_unit=self.cast.township_a1)
        with pytest.raises(PermissionDenied):
            services.role_grant(
                actor=self.cast.fresh(limited),
                user=target,
                unit=self.cast.township_a1,
                role=caseworker,
            )
        services.role_grant(
            actor=self.cast.fresh(self.cast.district_manager),
            user=target,
            unit=self.cast.township_a1,
            role=caseworker,
        )


class DataMigrationTests(TestCase):
    def test_each_verb_becomes_that_verb_in_every_domain_that_had_it(self):
        self.assertEqual(
            migration.qualify(["view", "admin"]),
            [
                "core.admin",
                "core.view",
                "hotline.view",
                "network.view",
                "people.view",
            ],
        )
        self.assertEqual(
            migration.qualify(["reveal"]), ["hotline.reveal", "network.reveal", "people.reveal"]
        )
        # Already qualified actions stay; nothing is invented for an empty role.
        self.assertEqual(migration.qualify(["giving.approve"]), ["giving.approve"])
        self.assertEqual(migration.qualify(None), [])
        self.assertEqual(
            migration.unqualify(["core.view", "people.view", "core.admin"]), ["admin", "view"]
        )

    def test_forwards_keeps_what_every_role_could_do_and_backwards_restores_it(self):
        custom = role("legacy", ["view", "change"])
        legacy_user = UserFactory()
        Cast.build()
        UnitRole.objects.create(user=legacy_user, unit=Unit.objects.get(code="DA"), role=custom)
        # The domains the migration knew; an app installed later is granted by an admin.
        known = [a for a in registry.all_actions() if a.partition(".")[0] in migration.DOMAINS]
        before = {
            action: grants_for(User.objects.get(pk=legacy_user.pk), action) for action in known
        }
        migration.forwards(apps, None)
        custom.refresh_from_db()
        self.assertIn("hotline.change", custom.actions)
        self.assertIn("core.view", custom.actions)
        after = {
            action: grants_for(User.objects.get(pk=legacy_user.pk), action) for action in known
        }
        self.assertEqual(before, after)
        migration.backwards(apps, None)
        custom.refresh_from_db()
        self.assertEqual(custom.actions, ["change", "view"])

    def test_the_built_in_roles_hold_every_domain_after_migrate(self):
        Cast.build()
        staff = Role.objects.get(code="staff")
        for name in registry.domains():
            self.assertIn(f"{name}.view", staff.actions)
        self.assertNotIn("core.admin", staff.actions)
        admin = Role.objects.get(code="unit_admin")
        self.assertEqual(set(admin.actions), set(registry.all_actions()))


class BuiltinRolesTests(TestCase):
    def test_an_installed_domain_adds_its_actions_to_built_in_roles_only(self):
        roles.ensure_builtin_roles()
        custom = role("custom", ["hotline.view"])
        giving = Domain("giving", "Giving", (Action.VIEW, Action.CHANGE, Action.APPROVE))
        with domains_declared({"giving": giving}):
            roles.ensure_builtin_roles()
        admin = Role.objects.get(code="unit_admin")
        staff = Role.objects.get(code="staff")
        # Only the unit administrator approves among the built-in roles.
        self.assertTrue({"giving.view", "giving.change", "giving.approve"} <= set(admin.actions))
        self.assertTrue({"giving.view", "giving.change"} <= set(staff.actions))
        self.assertNotIn("giving.approve", staff.actions)
        self.assertIn("giving.view", Role.objects.get(code="readonly").actions)
        custom.refresh_from_db()
        self.assertEqual(custom.actions, ["hotline.view"])

    def test_an_administrators_edit_inside_a_known_domain_is_kept(self):
        roles.ensure_builtin_roles()
        staff = Role.objects.get(code="staff")
        staff.actions = [a for a in staff.actions if a != "hotline.delete"]
        staff.save()
        roles.ensure_builtin_roles()
        staff.refresh_from_db()
        self.assertNotIn("hotline.delete", staff.actions)
        self.assertIn("hotline.view", staff.actions)


class SeparationOfDutiesTests(TestCase):
    """Who entered a record cannot approve it; the approver needs the domain's APPROVE on it.
    An audit-free stand-in for a ledger entry: a user's home unit is the record's unit and the
    user who created it is `entered_by` (core's User model has no creator, so the tests pass a
    field that holds one)."""

    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        cls.entry = UserFactory(home_unit=cls.cast.township_a1)  # the "record"

    def approver(self, actions=("core.approve", "core.view"), unit=None):
        user = UserFactory(home_unit=self.cast.district_a)
        UnitRole.objects.create(
            user=user, unit=unit or self.cast.district_a, role=role(f"a{user.pk}", list(actions))
        )
        return self.cast.fresh(user)

    def entered_by(self, user):
        # `created_by_id` names who entered the record, as ledger entries will.
        self.entry.created_by_id = user.pk
        return self.entry

    def test_an_approver_of_the_unit_who_did_not_enter_it_may_approve(self):
        approver = self.approver()
        require_approver(actor=approver, record=self.entered_by(self.cast.city_admin))

    def test_the_one_who_entered_it_may_not_approve_it_whatever_they_hold(self):
        approver = self.approver()
        for language, text in (("en", "someone else must approve"), ("zh-hans", "须由他人审批")):
            with translation.override(language), pytest.raises(PermissionDenied) as caught:
                require_approver(actor=approver, record=self.entered_by(approver))
            assert text in str(caught.value)

    def test_it_needs_approve_in_the_records_domain_over_its_unit(self):
        record = self.entered_by(self.cast.city_admin)
        for approver in (
            self.approver(actions=("core.change", "core.view")),  # no APPROVE
            self.approver(actions=("hotline.approve",)),  # APPROVE of another domain
            self.approver(unit=self.cast.district_b),  # APPROVE of a sibling unit
        ):
            with translation.override("en"), pytest.raises(PermissionDenied, match="approve"):
                require_approver(actor=approver, record=record)
        with translation.override("zh-hans"), pytest.raises(PermissionDenied, match="无权审批"):
            require_approver(actor=self.approver(actions=("core.view",)), record=record)

    def test_it_takes_a_qualified_action_and_refuses_a_non_approving_one(self):
        approver = self.approver(actions=("people.approve",))
        record = self.entered_by(self.cast.city_admin)
        require_approver(actor=approver, record=record, action="people.approve")
        with pytest.raises(ValueError):
            require_approver(actor=approver, record=record, action="core.change")

    def test_a_record_without_the_field_is_checked_for_the_grant_only(self):
        record = UserFactory(home_unit=self.cast.township_a1)
        require_approver(actor=self.approver(), record=record, entered_by_field="entered_by")


class RolePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        role("caseworker", ["hotline.view", "hotline.change", "view"])

    def page(self, name, *args, headers=EN) -> str:
        self.client.force_login(self.cast.city_admin)
        response = self.client.get(reverse(name, args=args), headers=headers)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_the_list_groups_actions_by_domain_with_labels_not_codes(self):
        html = self.page("core:role_list")
        for label in (
            "Units, users and logs",
            "People and associations",
            "Hotline",
            "Every domain",
        ):
            self.assertIn(label, html)
        self.assertNotIn("hotline.change", html)
        self.assertNotIn("core.admin", html)
        zh = self.page("core:role_list", headers=ZH)
        self.assertIn("单位、用户与日志", zh)
        self.assertIn("热线服务", zh)
        self.assertIn("所有业务", zh)

    def test_the_form_groups_the_checkboxes_by_domain(self):
        html = self.page("core:role_edit", "caseworker")
        self.assertIn('value="hotline.change"', html)
        self.assertIn("Hotline", html)
        self.assertIn("Reveal sensitive fields", html)
        # The bare verb shows ticked in every domain.
        self.assertRegex(html, r'value="people.view"[^>]*checked')

    def test_saving_the_form_stores_qualified_actions(self):
        self.client.force_login(self.cast.city_admin)
        response = self.client.post(
            reverse("core:role_create"),
            {
                "code": "reader",
                "name": "读者",
                "actions": ["people.view", "hotline.view"],
                "narrowing": Narrowing.SUBTREE,
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Role.objects.get(code="reader").actions, ["hotline.view", "people.view"])
