"""The scoping chokepoint, branch by branch (scoping.py is kept at 100% branch coverage).

The cast: city_admin (unit_admin at the city), district_manager (unit_admin at district A),
district_clerk (readonly at A), township_worker (staff at township A1, below A),
sibling_manager (unit_admin at district B), volunteer (ASSIGNED at A), portal_user (OWN at A),
nobody (no grant).
"""

from unittest import mock

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.test import TestCase

from qiaolian.core import services
from qiaolian.core.models import ApiToken, Role, Unit, UnitKind, UnitRole, User
from qiaolian.core.scoping import (
    Action,
    Grant,
    Narrowing,
    OutOfScope,
    _drop_covered,
    assert_visible,
    clear_grant_cache,
    grants_for,
    holds_anywhere,
)
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.factories import UnitFactory, UserFactory


class ScopingTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        cls.roles = {role.code: role for role in Role.objects.all()}

    def fresh(self, user):
        """A new instance, as the next request would load it: no cached grants."""
        return self.cast.fresh(user)

    def grant(self, user, unit, role_code):
        return UnitRole.objects.create(user=user, unit=unit, role=self.roles[role_code])

    def visible_units(self, user, action=Action.VIEW):
        return set(Unit.objects.restrict(self.fresh(user), action))


class GrantsForTests(ScopingTestCase):
    def test_it_gives_nothing_to_no_user_or_an_anonymous_one(self):
        self.assertEqual(grants_for(None, Action.VIEW), ())
        self.assertEqual(grants_for(AnonymousUser(), Action.VIEW), ())

    def test_it_gives_nothing_to_an_inactive_user_whatever_their_grants(self):
        manager = self.fresh(self.cast.district_manager)
        manager.is_active = False
        self.assertEqual(grants_for(manager, Action.VIEW), ())

    def test_it_gives_the_grant_unit_path_and_narrowing(self):
        manager = self.fresh(self.cast.district_manager)
        expected = (Grant(self.cast.district_a.path, Narrowing.SUBTREE),)
        self.assertEqual(grants_for(manager, Action.ADMIN), expected)
        self.assertEqual(
            grants_for(self.fresh(self.cast.volunteer), Action.CHANGE),
            (Grant(self.cast.district_a.path, Narrowing.ASSIGNED),),
        )

    def test_it_gives_only_the_actions_a_role_holds(self):
        clerk = self.fresh(self.cast.district_clerk)
        self.assertTrue(holds_anywhere(clerk, Action.VIEW))
        self.assertFalse(holds_anywhere(clerk, Action.CHANGE))
        self.assertFalse(holds_anywhere(self.fresh(self.cast.nobody), Action.VIEW))

    def test_a_role_with_no_actions_grants_nothing(self):
        empty = Role.objects.create(code="empty", name="空", actions=[])
        UnitRole.objects.create(user=self.cast.nobody, unit=self.cast.district_a, role=empty)
        nobody = self.fresh(self.cast.nobody)
        self.assertFalse(any(holds_anywhere(nobody, action) for action in Action))

    def test_it_keeps_grants_in_several_units(self):
        self.grant(self.cast.township_worker, self.cast.district_b, "readonly")
        worker = self.fresh(self.cast.township_worker)
        self.assertEqual(
            {g.path for g in grants_for(worker, Action.VIEW)},
            {self.cast.township_a1.path, self.cast.district_b.path},
        )
        # CHANGE comes from the staff role at A1 only.
        self.assertEqual(
            grants_for(worker, Action.CHANGE), (Grant(self.cast.township_a1.path, "subtree"),)
        )

    def test_it_ignores_grants_at_inactive_units(self):
        Unit.objects.filter(pk=self.cast.district_a.pk).update(is_active=False)
        self.assertFalse(holds_anywhere(self.fresh(self.cast.district_manager), Action.VIEW))
        # A grant at an active unit below the inactive one still counts.
        self.assertTrue(holds_anywhere(self.fresh(self.cast.township_worker), Action.VIEW))

    def test_a_superuser_holds_every_action_at_every_root(self):
        other_root = UnitFactory(code="ROOT2", kind=UnitKind.CITY)
        admin = UserFactory(username="root", is_superuser=True)
        expected = tuple(
            Grant(path, Narrowing.SUBTREE)
            for path in sorted([self.cast.city.path, other_root.path])
        )
        for action in Action:
            self.assertEqual(grants_for(admin, action), expected)
        self.assertEqual(set(Unit.objects.restrict(admin, Action.ADMIN)), set(Unit.objects.all()))


class GrantCacheTests(ScopingTestCase):
    def test_it_loads_the_grants_once_per_user_object(self):
        manager = self.fresh(self.cast.district_manager)
        with self.assertNumQueries(1):
            grants_for(manager, Action.VIEW)
            grants_for(manager, Action.ADMIN)
            holds_anywhere(manager, Action.AUDIT)

    def test_a_new_user_object_sees_a_new_grant_and_the_cached_one_does_not(self):
        worker = self.fresh(self.cast.township_worker)
        self.assertFalse(holds_anywhere(worker, Action.ADMIN))
        self.grant(self.cast.township_worker, self.cast.township_a1, "unit_admin")
        self.assertFalse(holds_anywhere(worker, Action.ADMIN))  # this request's view is fixed
        self.assertTrue(holds_anywhere(self.fresh(self.cast.township_worker), Action.ADMIN))

    def test_clearing_the_cache_reloads_the_grants(self):
        worker = self.fresh(self.cast.township_worker)
        holds_anywhere(worker, Action.ADMIN)
        self.grant(self.cast.township_worker, self.cast.township_a1, "unit_admin")
        clear_grant_cache(worker)
        self.assertTrue(holds_anywhere(worker, Action.ADMIN))

    def test_clearing_an_empty_cache_is_harmless(self):
        worker = self.fresh(self.cast.township_worker)
        clear_grant_cache(worker)
        self.assertFalse(hasattr(worker, "_scope_grants"))


class DropCoveredTests(TestCase):
    """Grants inside a wider subtree grant add nothing and are dropped (shorter SQL)."""

    def test_it_drops_a_grant_below_a_subtree_grant(self):
        wide, below = Grant("0001", "subtree"), Grant("00010001", "subtree")
        self.assertEqual(_drop_covered({wide, below}), (wide,))

    def test_it_drops_a_narrowed_grant_at_the_same_unit_as_a_subtree_grant(self):
        wide, narrowed = Grant("0001", "subtree"), Grant("0001", "assigned")
        self.assertEqual(_drop_covered({wide, narrowed}), (wide,))

    def test_it_keeps_a_subtree_grant_below_a_narrowed_grant(self):
        narrowed, below = Grant("0001", "assigned"), Grant("00010001", "subtree")
        self.assertEqual(_drop_covered({narrowed, below}), (narrowed, below))

    def test_it_keeps_grants_in_separate_subtrees_sorted_by_path(self):
        a, b = Grant("00010002", "subtree"), Grant("00010001", "subtree")
        self.assertEqual(_drop_covered({a, b}), (b, a))

    def test_it_drops_grants_already_covered_when_loading(self):
        cast = Cast.build()
        UnitRole.objects.create(
            user=cast.district_manager, unit=cast.township_a1, role=Role.objects.get(code="staff")
        )
        manager = cast.fresh(cast.district_manager)
        self.assertEqual(
            grants_for(manager, Action.CHANGE), (Grant(cast.district_a.path, "subtree"),)
        )


class RestrictTests(ScopingTestCase):
    def test_a_grant_covers_its_units_whole_subtree_and_nothing_else(self):
        self.assertEqual(
            self.visible_units(self.cast.district_manager),
            {self.cast.district_a, self.cast.township_a1},
        )
        self.assertEqual(self.visible_units(self.cast.township_worker), {self.cast.township_a1})
        self.assertEqual(self.visible_units(self.cast.city_admin), set(Unit.objects.all()))

    def test_grants_in_several_units_add_up(self):
        self.grant(self.cast.township_worker, self.cast.district_b, "readonly")
        self.assertEqual(
            self.visible_units(self.cast.township_worker),
            {self.cast.township_a1, self.cast.district_b},
        )
        self.assertEqual(
            self.visible_units(self.cast.township_worker, Action.CHANGE), {self.cast.township_a1}
        )

    def test_it_is_empty_for_a_user_holding_the_action_nowhere(self):
        nobody = self.fresh(self.cast.nobody)
        with self.assertNumQueries(1):  # the grant table; the empty queryset costs nothing
            units = Unit.objects.restrict(nobody, Action.VIEW)
            self.assertEqual(list(units), [])
        self.assertEqual(list(Unit.objects.restrict(AnonymousUser(), Action.VIEW)), [])

    def test_it_follows_the_models_path_to_its_unit(self):
        users = set(User.objects.restrict(self.fresh(self.cast.township_worker), Action.VIEW))
        self.assertEqual(users, {self.cast.township_worker})  # the only user homed in A1
        tokens = ApiToken.objects.restrict(self.fresh(self.cast.district_manager), Action.VIEW)
        self.assertEqual(list(tokens), [])

    def test_own_narrowing_shows_only_the_users_own_records(self):
        # User.owned_by: a portal user sees their own account, no one else's.
        portal = self.fresh(self.cast.portal_user)
        self.assertEqual(list(User.objects.restrict(portal, Action.VIEW)), [self.cast.portal_user])
        services.api_token_create(actor=self.cast.portal_user, name="mine")
        services.api_token_create(actor=self.cast.district_clerk, name="theirs")
        self.assertEqual([t.name for t in ApiToken.objects.restrict(portal, Action.VIEW)], ["mine"])

    def test_own_narrowing_stays_inside_the_grant_subtree(self):
        # Portal grant at A; the portal user's own account moved to B is out of reach.
        User.objects.filter(pk=self.cast.portal_user.pk).update(home_unit=self.cast.district_b)
        self.assertEqual(list(User.objects.restrict(self.fresh(self.cast.portal_user))), [])

    def test_assigned_narrowing_shows_only_records_assigned_to_the_user(self):
        ward = UserFactory(
            username="ward", display_name="ward-of-volunteer", home_unit=self.cast.township_a1
        )
        UserFactory(username="stranger", display_name="someone", home_unit=self.cast.district_a)
        UserFactory(
            username="far_ward", display_name="ward-of-volunteer", home_unit=self.cast.district_b
        )

        def assigned_to(cls, user):
            return Q(display_name=f"ward-of-{user.username}")

        with mock.patch.object(User, "assigned_to", classmethod(assigned_to)):
            seen = User.objects.restrict(self.fresh(self.cast.volunteer), Action.CHANGE)
            # Assigned and inside the grant's subtree: the ward in B is not reached.
            self.assertEqual(list(seen), [ward])

    def test_default_narrowing_hooks_show_nothing(self):
        # A model that does not say what "assigned" or "own" means shows nothing to such roles.
        self.assertEqual(list(Unit.objects.restrict(self.fresh(self.cast.volunteer))), [])
        self.assertEqual(list(Unit.objects.restrict(self.fresh(self.cast.portal_user))), [])
        self.assertEqual(Unit.assigned_to(self.cast.volunteer), Q(pk__in=[]))
        self.assertEqual(Unit.owned_by(self.cast.portal_user), Q(pk__in=[]))

    def test_a_subtree_grant_wins_over_a_narrowed_one_at_the_same_unit(self):
        self.grant(self.cast.volunteer, self.cast.district_a, "staff")
        users = User.objects.restrict(self.fresh(self.cast.volunteer), Action.CHANGE)
        self.assertIn(self.cast.district_clerk, users)

    def test_in_subtree_narrows_to_one_unit_or_leaves_the_queryset_alone(self):
        manager = self.fresh(self.cast.district_manager)
        units = Unit.objects.restrict(manager, Action.VIEW)
        self.assertEqual(set(units.in_subtree(None)), set(units))
        self.assertEqual(list(units.in_subtree(self.cast.township_a1)), [self.cast.township_a1])
        # Narrowing to a unit outside the grant shows nothing: restrict() still applies.
        self.assertEqual(list(units.in_subtree(self.cast.district_b)), [])


class GetVisibleTests(ScopingTestCase):
    def test_it_returns_the_record_inside_the_users_scope(self):
        manager = self.fresh(self.cast.district_manager)
        unit = Unit.objects.get_visible(
            manager, Action.VIEW, public_id=self.cast.township_a1.public_id
        )
        self.assertEqual(unit, self.cast.township_a1)

    def test_it_answers_403_to_a_user_holding_the_action_nowhere(self):
        with self.assertRaises(PermissionDenied):
            User.objects.get_visible(
                self.fresh(self.cast.nobody), Action.VIEW, public_id=self.cast.nobody.public_id
            )

    def test_it_answers_404_for_a_record_outside_the_scope(self):
        # The sibling's unit exists, but saying so would leak it: 404 like a missing one.
        with self.assertRaises(Http404):
            Unit.objects.get_visible(
                self.fresh(self.cast.district_manager),
                Action.VIEW,
                public_id=self.cast.district_b.public_id,
            )

    def test_it_answers_404_for_a_malformed_id(self):
        manager = self.fresh(self.cast.district_manager)
        for lookup in ({"public_id": "not-a-uuid"}, {"public_id": ""}, {"pk": "abc"}):
            with self.subTest(lookup), self.assertRaises(Http404):
                User.objects.get_visible(manager, Action.VIEW, **lookup)

    def test_it_answers_404_for_a_lookup_of_the_wrong_type(self):
        with self.assertRaises(Http404):
            User.objects.get_visible(self.fresh(self.cast.district_manager), pk=[1, 2])


class AssertVisibleTests(ScopingTestCase):
    def test_it_passes_when_the_actor_still_reaches_the_record(self):
        assert_visible(self.fresh(self.cast.district_manager), self.cast.township_worker)

    def test_it_raises_out_of_scope_for_a_record_out_of_reach(self):
        with self.assertRaises(OutOfScope) as raised:
            assert_visible(self.fresh(self.cast.district_manager), self.cast.sibling_manager)
        self.assertIsInstance(raised.exception, PermissionDenied)  # a 403 if it escapes

    def test_raising_inside_the_write_rolls_the_write_back(self):
        clerk = self.cast.district_clerk
        with self.assertRaises(OutOfScope), transaction.atomic():
            User.objects.filter(pk=clerk.pk).update(home_unit=self.cast.district_b)
            assert_visible(self.fresh(self.cast.district_manager), clerk, Action.ADMIN)
        self.assertEqual(User.objects.get(pk=clerk.pk).home_unit, self.cast.district_a)

    def test_a_service_cannot_push_a_record_into_a_sibling_unit(self):
        # user_update checks the user's current unit, writes, then re-checks: the write is
        # undone because the new home unit lies outside the actor's subtree.
        clerk = self.cast.district_clerk
        with self.assertRaises(OutOfScope):
            services.user_update(
                actor=self.fresh(self.cast.district_manager),
                user=clerk,
                home_unit=self.cast.district_b,
            )
        self.assertEqual(User.objects.get(pk=clerk.pk).home_unit, self.cast.district_a)
