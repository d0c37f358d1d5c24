"""Every scoping check of the generic mixins for the duplicate pages. A pair is the record: it
is made of two people of one unit (so "own", "subtree" and "sibling" pairs exist), and its
pages are addressed by the two people's ids."""

from qiaolian.core.scoping import Action
from qiaolian.core.testing.scoped import ScopedViewTests, next_marker
from qiaolian.people import services
from qiaolian.people.models import DuplicateCandidate, DuplicateDecision, Person, PersonMerge
from qiaolian.people.tests.factories import PersonFactory


def _twins(unit, marker: str) -> tuple[Person, Person]:
    return tuple(  # type: ignore[return-value]
        PersonFactory(
            unit=unit, surname="测", given_name=marker, phones=["+39 333 123 4567"], gender="m"
        )
        for _ in range(2)
    )


class PairScoping:
    """A DuplicateCandidate of two same-named people in `unit`, as a scan would store it."""

    model = DuplicateCandidate
    thing = "pair"

    @classmethod
    def make_object(cls, unit):
        first, second = _twins(unit, next_marker("DP"))
        return DuplicateCandidate.objects.create(
            person_a=first, person_b=second, score=75, reasons=["same_name", "same_phone"]
        )

    def marker(self, obj):
        return obj.person_a.full_name

    def url_kwargs(self, obj):
        return {"first": obj.person_a.public_id, "second": obj.person_b.public_id}

    def snapshot(self, obj):
        people = Person.objects.filter(pk__in=[obj.person_a_id, obj.person_b_id]).order_by("pk")
        return {
            "people": [(p.pk, p.version, p.merged_into_id, p.city) for p in people],
            "merges": PersonMerge.objects.count(),
            "marks": DuplicateDecision.objects.count(),
        }


class DuplicateListTests(PairScoping, ScopedViewTests.List):
    url_name = "people:duplicate_list"
    max_queries = 14

    def url_kwargs(self, obj):
        return {}


class DuplicateMergeTests(PairScoping, ScopedViewTests.Edit):
    url_name = "people:duplicate_merge"

    def form_data(self, obj):
        first = Person.objects.get(pk=obj.person_a_id)
        second = Person.objects.get(pk=obj.person_b_id)
        return {
            "keep": "first",
            "version_first": first.version,
            "version_second": second.version,
        }

    def assert_saved(self, obj, before):
        merged = Person.objects.get(pk=obj.person_b_id)
        self.assertEqual(merged.merged_into_id, obj.person_a_id)


class DuplicateDismissTests(PairScoping, ScopedViewTests.Delete):
    url_name = "people:duplicate_dismiss"
    action = Action.CHANGE

    def assert_done(self, obj):
        self.assertTrue(
            DuplicateDecision.objects.filter(person_a=obj.person_a, person_b=obj.person_b)
        )
        self.assertFalse(DuplicateCandidate.objects.filter(pk=obj.pk).exists())


class MergeScoping:
    """A merge of two same-named people of `unit`, done by the city administrator."""

    model = PersonMerge
    thing = "merge"

    @classmethod
    def make_object(cls, unit):
        from qiaolian.core.models import User

        first, second = _twins(unit, next_marker("MG"))
        admin = User.objects.get(username="city_admin")
        return services.person_merge(actor=admin, survivor=first, merged=second)

    def marker(self, obj):
        return obj.survivor.full_name


class DuplicateMergeListTests(MergeScoping, ScopedViewTests.List):
    url_name = "people:duplicate_merges"
    max_queries = 14

    def url_kwargs(self, obj):
        return {}


class DuplicateUnmergeTests(MergeScoping, ScopedViewTests.Delete):
    url_name = "people:duplicate_unmerge"
    action = Action.CHANGE

    def assert_done(self, obj):
        obj.refresh_from_db()
        self.assertIsNotNone(obj.undone_at)
        self.assertIsNone(Person.objects.get(pk=obj.merged_id).merged_into_id)
