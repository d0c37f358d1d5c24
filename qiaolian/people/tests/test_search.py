"""The search selector: every query form, ranking, scoping and keeping the index current.

These run on SQLite and again on PostgreSQL in CI; the index is plain rows and equality
lookups, so the same assertions hold on both.
"""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from qiaolian.core.testing.cast import Cast
from qiaolian.people import services
from qiaolian.people.models import Person, PersonSearchToken
from qiaolian.people.search import reindex_people, search
from qiaolian.people.search.tokens import Rank, parse_query
from qiaolian.people.tests.factories import AssociationFactory, PersonFactory


def make_person(unit, surname, given_name="", *, phones=(), emails=(), **fields):
    """A person written the way the services write one, then indexed."""
    person = PersonFactory(
        unit=unit, surname=surname, given_name=given_name, phones=phones, emails=emails, **fields
    )
    reindex_people(Person.objects.filter(pk=person.pk))
    return person


def names(results) -> list[str]:
    return [hit.name for hit in results.people]


class SearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast.build()
        a, a1, b = cls.cast.district_a, cls.cast.township_a1, cls.cast.district_b
        cls.zhang_wei = make_person(
            a, "张", "伟", phones=["+39 333 123 4567"], emails=["zhang.wei88@gmail.com"]
        )
        cls.zhang_weiming = make_person(a1, "张", "伟明", phones=["+86 139 8765 0021"])
        cls.tian_fang = make_person(a, "田", "芳", romanized_names="Tin Fong")
        cls.wong = make_person(a, "黄", "家明", romanized_names="Wong Ka Ming")
        cls.ng = make_person(a1, "吴", "文", romanized_names="Ng")
        cls.ouyang = make_person(a, "欧阳", "娜娜")
        cls.shan = make_person(a, "单", "雄")
        # The sibling district's namesakes: they must never appear, and never be counted.
        cls.sibling_zhang = make_person(b, "张", "伟", phones=["+39 333 765 4567"])
        cls.sibling_ng = make_person(b, "吴", "文", romanized_names="Ng")
        cls.manager = cls.cast.district_manager

    def find(self, query, user=None, **kwargs):
        return search(self.cast.fresh(user or self.manager), query, **kwargs)

    # --- Chinese names -----------------------------------------------------------------------

    def test_it_finds_any_single_character_of_a_name(self):
        self.assertEqual(set(names(self.find("伟"))), {"张伟", "张伟明"})
        self.assertEqual(names(self.find("芳")), ["田芳"])

    def test_it_finds_two_character_fragments_anywhere_in_the_name(self):
        self.assertEqual(names(self.find("田芳")), ["田芳"])
        self.assertEqual(names(self.find("伟明")), ["张伟明"])
        self.assertEqual(names(self.find("阳娜")), ["欧阳娜娜"])

    def test_it_ignores_spaces_between_chinese_characters(self):
        self.assertEqual(names(self.find("张 伟")), ["张伟", "张伟明"])

    def test_it_ranks_the_exact_name_first(self):
        results = self.find("张伟")
        self.assertEqual(names(results), ["张伟", "张伟明"])
        self.assertGreater(results.people[0].score, results.people[1].score)

    def test_it_ranks_a_name_starting_with_the_query_before_one_containing_it(self):
        make_person(self.cast.district_a, "明", "华")
        self.assertEqual(names(self.find("明")), ["明华", "张伟明", "黄家明"])

    def test_it_finds_a_traditional_name_by_simplified_characters_and_back(self):
        # Records from Hong Kong, Taiwan and older registers are written in traditional
        # characters; staff type simplified ones (and the other way round).
        cheung = make_person(self.cast.district_a, "張", "學友")
        self.assertEqual(names(self.find("张学友")), ["張學友"])
        self.assertEqual(names(self.find("學友")), ["張學友"])
        self.assertEqual(names(self.find("張偉")), ["张伟", "张伟明"])
        self.assertEqual(names(self.find("張偉")), names(self.find("张伟")))
        self.assertEqual(self.find("张学友").people[0].id, str(cheung.public_id))
        self.assertEqual(self.find("张学友").people[0].score, 100 - 10 * Rank.NAME_EXACT)

    def test_it_reads_a_traditional_surname_with_its_passport_spellings(self):
        make_person(self.cast.district_a, "陳", "大文")
        self.assertEqual(names(self.find("chan")), ["陳大文"])

    def test_it_keeps_traditional_names_of_a_sibling_unit_out(self):
        make_person(self.cast.district_b, "張", "學友")
        self.assertEqual(names(self.find("张学友")), [])

    # --- pinyin, initials and spellings -------------------------------------------------------

    def test_it_finds_full_pinyin_with_or_without_spaces(self):
        for query in ("zhangwei", "zhang wei", "Zhang Wei", "ZHANGWEI"):
            self.assertEqual(names(self.find(query)), ["张伟", "张伟明"], query)

    def test_it_finds_a_pinyin_prefix(self):
        self.assertEqual(names(self.find("zhangweim")), ["张伟明"])
        self.assertIn("张伟", names(self.find("zhan")))

    def test_it_finds_initials(self):
        self.assertEqual(names(self.find("zw")), ["张伟", "张伟明"])
        self.assertEqual(names(self.find("zwm")), ["张伟明"])

    def test_it_reads_surnames_with_their_surname_pronunciation(self):
        self.assertEqual(names(self.find("shanxiong")), ["单雄"])
        self.assertEqual(names(self.find("ouyang")), ["欧阳娜娜"])

    def test_it_finds_the_given_name_pinyin_and_western_order(self):
        self.assertIn("张伟明", names(self.find("weiming")))
        self.assertEqual(names(self.find("weimingzhang")), ["张伟明"])

    def test_it_finds_a_prefix_of_the_given_names_pinyin(self):
        # Staff often remember only the given name, and type it until the list is short.
        wang = make_person(self.cast.district_a, "王", "小明")
        self.assertEqual(names(self.find("xiaom")), ["王小明"])
        self.assertEqual(names(self.find("xiao")), ["王小明"])
        self.assertEqual(names(self.find("weim")), ["张伟明"])
        self.assertEqual(set(names(self.find("wei"))), {"张伟", "张伟明"})
        # the whole pinyin's prefix still ranks above the given name's
        results = self.find("wangx")
        self.assertEqual(results.people[0].id, str(wang.public_id))
        self.assertEqual(results.people[0].score, 100 - 10 * Rank.PINYIN_PREFIX)
        self.assertEqual(self.find("xiaom").people[0].score, 100 - 10 * Rank.OTHER_PREFIX)

    def test_it_finds_a_prefix_of_the_western_order(self):
        self.assertEqual(names(self.find("weimingzh")), ["张伟明"])
        self.assertEqual(names(self.find("Xiaoming W")), [])  # nobody of that name yet
        make_person(self.cast.district_a, "王", "小明")
        self.assertEqual(names(self.find("Xiaoming W")), ["王小明"])

    def test_it_finds_passport_spellings(self):
        self.assertEqual(names(self.find("Wong")), ["黄家明"])
        self.assertEqual(names(self.find("Wong Ka Ming")), ["黄家明"])
        self.assertEqual(names(self.find("Tin Fong")), ["田芳"])

    def test_it_finds_a_two_letter_spelling(self):
        results = self.find("Ng")
        self.assertEqual(names(results)[0], "吴文")
        self.assertEqual(results.people[0].score, 100 - 10 * Rank.EXACT)

    def test_it_finds_dialect_spellings_of_surnames_below_typed_ones(self):
        huang = make_person(self.cast.district_a, "黄", "小华")
        results = self.find("wong")
        self.assertEqual(names(results), ["黄家明", "黄小华"])
        self.assertEqual(results.people[1].id, str(huang.public_id))

    # --- phones and emails ------------------------------------------------------------------

    def test_it_finds_a_phone_typed_without_country_code(self):
        self.assertEqual(names(self.find("3331234567")), ["张伟"])

    def test_it_finds_a_phone_in_any_format(self):
        for query in ("+39 333 123 4567", "0039 333 1234567", "333-123-4567", "(333) 123 4567"):
            self.assertEqual(names(self.find(query)), ["张伟"], query)

    def test_it_finds_the_last_four_digits(self):
        # 4567 ends both the Italian and (inside) the sibling's number: only ours is found.
        self.assertEqual(names(self.find("4567")), ["张伟"])

    def test_it_finds_inner_digits(self):
        self.assertEqual(names(self.find("1234")), ["张伟"])
        self.assertEqual(names(self.find("87650")), ["张伟明"])
        self.assertEqual(names(self.find("876500")), ["张伟明"])
        self.assertEqual(names(self.find("1398765")), ["张伟明"])
        self.assertEqual(names(self.find("139 8765 0021")), ["张伟明"])

    def test_it_ranks_a_whole_number_before_trailing_digits(self):
        other = make_person(self.cast.district_a, "李", "四", phones=["+39 351 333 1234"])
        results = self.find("3331234")
        self.assertEqual(names(results), ["李四", "张伟"])
        self.assertEqual(results.people[0].id, str(other.public_id))

    def test_it_finds_an_email_by_its_start_and_by_a_part(self):
        for query in ("zhang.wei88@gmail.com", "zhang.wei88@", "wei88", "gmail.com"):
            self.assertEqual(names(self.find(query)), ["张伟"], query)
        # "zhang.wei" is also the pinyin of 张伟明: both are found, the exact pinyin first.
        self.assertEqual(names(self.find("zhang.wei")), ["张伟", "张伟明"])

    # --- associations and groups ------------------------------------------------------------

    def test_it_finds_associations_by_name_local_name_and_city(self):
        own = AssociationFactory(
            unit=self.cast.district_a, name="米兰华侨华人工商会", name_local="Camera di Commercio"
        )
        AssociationFactory(unit=self.cast.district_b, name="米兰华侨联谊会")
        self.assertEqual([h.id for h in self.find("米兰").associations], [str(own.public_id)])
        self.assertEqual([h.name for h in self.find("camera").associations], [own.name])
        self.assertEqual([h.name for h in self.find("milano").associations], [own.name])

    def test_it_ranks_the_exact_association_name_first(self):
        AssociationFactory(unit=self.cast.district_a, name="温州同乡会联合总会")
        AssociationFactory(unit=self.cast.district_a, name="温州同乡会")
        found = [h.name for h in self.find("温州同乡会").associations]
        self.assertEqual(found, ["温州同乡会", "温州同乡会联合总会"])

    def test_it_finds_associations_written_in_the_other_script(self):
        traditional = AssociationFactory(unit=self.cast.district_a, name="意大利華僑華人協會")
        simplified = AssociationFactory(unit=self.cast.district_a, name="米兰华侨华人工商会")
        AssociationFactory(unit=self.cast.district_b, name="西班牙華僑華人協會")
        found = {h.id for h in self.find("华侨").associations}
        self.assertEqual(found, {str(traditional.public_id), str(simplified.public_id)})
        self.assertEqual({h.id for h in self.find("華僑").associations}, found)
        exact = self.find("意大利华侨华人协会").associations
        self.assertEqual([h.id for h in exact], [str(traditional.public_id)])
        self.assertEqual(exact[0].score, 100)

    def test_it_reads_associations_and_groups_with_one_query_each(self):
        from qiaolian.people.search.selectors import group_model

        group = group_model()
        if group is None:
            self.skipTest("the network app has no Group model yet")
        association = AssociationFactory(unit=self.cast.district_a, name="罗马华侨联谊会")
        own = group.objects.create(unit=self.cast.district_a, name="罗马侨胞群")
        group.objects.create(unit=self.cast.district_b, name="罗马侨胞二群")
        user = self.cast.fresh(self.manager)
        search(user, "zw")  # grants loaded once per request
        with CaptureQueriesContext(connection) as queries:
            results = search(user, "罗马", kinds=("association", "group"))
        self.assertEqual(len(queries), 2, "\n".join(q["sql"] for q in queries))
        self.assertEqual([h.id for h in results.associations], [str(association.public_id)])
        self.assertEqual([h.id for h in results.groups], [str(own.public_id)])
        self.assertEqual([h.kind for h in results.results], ["association", "group"])

    def test_it_keeps_the_exact_name_when_a_broad_query_has_many_matches(self):
        from qiaolian.people.search import selectors

        for prefix in "ABC":
            AssociationFactory(unit=self.cast.district_a, name=f"{prefix}同乡会")
        exact = AssociationFactory(unit=self.cast.district_a, name="同乡会")
        AssociationFactory(unit=self.cast.district_b, name="同乡会")
        # Past NAME_CANDIDATES matches each kind is read apart, first rows by name: the
        # exact name sorts last here and must still be found, and ranked first.
        original = selectors.NAME_CANDIDATES
        selectors.NAME_CANDIDATES = 2
        try:
            results = self.find("同乡会", kinds=("association",))
        finally:
            selectors.NAME_CANDIDATES = original
        self.assertEqual(results.associations[0].id, str(exact.public_id))
        self.assertEqual([h.name for h in results.associations], ["同乡会", "A同乡会", "B同乡会"])

    def test_it_finds_groups_by_name(self):
        from qiaolian.people.search.selectors import group_model

        group = group_model()
        if group is None:
            self.skipTest("the network app has no Group model yet")
        own = group.objects.create(unit=self.cast.district_a, name="米兰侨胞群")
        group.objects.create(unit=self.cast.district_b, name="米兰侨胞二群")
        self.assertEqual([h.id for h in self.find("侨胞").groups], [str(own.public_id)])

    def test_it_searches_association_names_from_three_letters(self):
        AssociationFactory(unit=self.cast.district_a, name_local="Zwolle Chinese Society")
        self.assertEqual(self.find("zw").associations, [])
        self.assertEqual(len(self.find("zwo").associations), 1)

    def test_it_merges_kinds_best_first(self):
        AssociationFactory(unit=self.cast.district_a, name="张伟")
        kinds = [hit.kind for hit in self.find("张伟").results]
        self.assertEqual(kinds, ["person", "association", "person"])

    # --- scoping ----------------------------------------------------------------------------

    def test_it_never_shows_a_sibling_units_person(self):
        for query in ("张伟", "zw", "zhangwei", "4567", "3337654567", "Ng", "吴文"):
            ids = {hit.id for hit in self.find(query).people}
            self.assertNotIn(str(self.sibling_zhang.public_id), ids, query)
            self.assertNotIn(str(self.sibling_ng.public_id), ids, query)

    def test_it_does_not_count_sibling_people_towards_more(self):
        # One of ours and the sibling's namesake match "吴文"; with limit=1 nothing is "more".
        results = self.find("吴文", limit=1)
        self.assertEqual(names(results), ["吴文"])
        self.assertFalse(results.more["person"])
        self.assertTrue(self.find("张伟", limit=1).more["person"])

    def test_it_shows_the_sibling_its_own_people(self):
        results = self.find("3337654567", user=self.cast.sibling_manager)
        self.assertEqual([h.id for h in results.people], [str(self.sibling_zhang.public_id)])

    def test_it_keeps_a_township_worker_to_the_township(self):
        self.assertEqual(names(self.find("张伟", user=self.cast.township_worker)), ["张伟明"])

    def test_it_narrows_to_the_unit_picked_in_the_header(self):
        results = self.find("张伟", within=self.cast.township_a1)
        self.assertEqual(names(results), ["张伟明"])

    def test_it_finds_everything_for_the_city_admin(self):
        self.assertEqual(len(self.find("张伟", user=self.cast.city_admin).people), 3)

    def test_it_finds_nothing_for_users_without_people_in_scope(self):
        for who in ("nobody", "volunteer", "portal_user"):
            results = self.find("张伟", user=getattr(self.cast, who))
            self.assertFalse(results, who)

    def test_it_finds_nothing_when_the_index_is_stale_across_units(self):
        # An index row claiming a sibling's person is in district A is still not shown.
        PersonSearchToken.objects.filter(person=self.sibling_zhang).update(
            unit=self.cast.district_a
        )
        ids = {hit.id for hit in self.find("张伟").people}
        self.assertNotIn(str(self.sibling_zhang.public_id), ids)

    # --- keeping the index current -----------------------------------------------------------

    def test_it_indexes_a_person_created_through_the_service(self):
        services.person_create(
            actor=self.cast.fresh(self.manager),
            unit=self.cast.district_a,
            surname="司马",
            given_name="光",
            phones=["+44 7911 123456"],
        )
        self.assertEqual(names(self.find("司马光")), ["司马光"])
        self.assertEqual(names(self.find("smg")), ["司马光"])
        self.assertEqual(names(self.find("07911 123456")), ["司马光"])

    def test_it_follows_an_update_of_name_and_phones(self):
        actor = self.cast.fresh(self.manager)
        person = services.person_create(
            actor=actor, unit=self.cast.district_a, surname="钱", given_name="多"
        )
        services.person_update(
            actor=actor, person=person, given_name="少", phones=["+1 415 555 2671"]
        )
        self.assertEqual(names(self.find("钱多")), [])
        self.assertEqual(names(self.find("钱少")), ["钱少"])
        self.assertEqual(names(self.find("qianshao")), ["钱少"])
        self.assertEqual(names(self.find("5552671")), ["钱少"])

    def test_it_follows_a_move_to_another_unit(self):
        actor = self.cast.fresh(self.cast.city_admin)
        person = services.person_create(
            actor=actor, unit=self.cast.district_a, surname="孙", given_name="悟空"
        )
        services.person_update(actor=actor, person=person, unit=self.cast.district_b)
        self.assertEqual(names(self.find("悟空")), [])
        self.assertEqual(names(self.find("悟空", user=self.cast.sibling_manager)), ["孙悟空"])

    def test_it_drops_a_merged_person(self):
        Person.objects.filter(pk=self.tian_fang.pk).update(merged_into=self.zhang_wei)
        reindex_people(Person.objects.filter(pk=self.tian_fang.pk))
        self.assertEqual(names(self.find("田芳")), [])
        self.assertFalse(PersonSearchToken.objects.filter(person=self.tian_fang).exists())

    def test_it_removes_the_tokens_of_a_deleted_person(self):
        self.ouyang.delete()
        self.assertFalse(PersonSearchToken.objects.filter(person_id=self.ouyang.pk).exists())

    def test_reindexing_twice_changes_nothing(self):
        before = sorted(PersonSearchToken.objects.values_list("token", "rank", "person_id"))
        self.assertEqual(reindex_people(), Person.objects.count())
        reindex_people(batch_size=3)
        after = sorted(PersonSearchToken.objects.values_list("token", "rank", "person_id"))
        self.assertEqual(before, after)

    # --- bad input --------------------------------------------------------------------------

    def test_it_explains_an_empty_or_too_short_query(self):
        for query in ("", "   ", "z", "12", "%", "_"):
            results = self.find(query)
            self.assertFalse(results, query)
            self.assertTrue(results.error, query)

    def test_it_refuses_a_very_long_query(self):
        results = self.find("张" * 200)
        self.assertFalse(results)
        self.assertIn("64", results.error)

    def test_it_treats_sql_like_characters_as_text(self):
        for query in ("'; DROP TABLE people_person; --", "%%", "a%b_c", "\\", '"或 1=1'):
            self.find(query)  # no error raised
        self.assertTrue(Person.objects.exists())
        AssociationFactory(unit=self.cast.district_a, name="100%华人会")
        self.assertEqual([h.name for h in self.find("100%").associations], ["100%华人会"])
        self.assertEqual(self.find("0%").associations, [])

    def test_it_finds_a_single_chinese_character_but_not_a_single_letter(self):
        self.assertTrue(self.find("芳"))
        self.assertTrue(self.find("f").error)

    def test_it_rejects_unknown_kinds(self):
        with self.assertRaises(ValueError):
            self.find("张伟", kinds=("person", "case"))

    def test_it_limits_results(self):
        results = self.find("zh", limit=1)
        self.assertEqual(len(results.people), 1)
        self.assertTrue(results.more["person"])

    # --- cost ---------------------------------------------------------------------------------

    def test_it_runs_a_fixed_number_of_queries(self):
        user = self.cast.fresh(self.manager)
        search(user, "zw")  # grants loaded once per request
        # The index walk, then the people found (with their primary phone and email as
        # subqueries); associations and groups one query each; a long phone number finds and
        # checks its candidates instead of walking.
        expected = {"张伟": 4, "zhangwei": 4, "zw": 2, "4567": 2, "3331234567": 3}
        for query, count in expected.items():
            with CaptureQueriesContext(connection) as queries:
                search(user, query)
            self.assertEqual(len(queries), count, "\n".join(q["sql"] for q in queries))


class QueryReadingTests(TestCase):
    def test_it_reads_chinese_latin_and_digits(self):
        self.assertEqual(parse_query("张 伟").tokens, ("张伟",))
        self.assertEqual(parse_query("Zhang Wei").tokens, ("zhangwei",))
        self.assertEqual(parse_query("Zhāng Wěi").tokens, ("zhangwei",))
        self.assertEqual(parse_query("ＺＷ").tokens, ("zw",))  # full-width letters
        self.assertEqual(parse_query("4567").tokens, ("4567",))
        self.assertEqual(parse_query("+39 333 123 4567").digits, ("393331234567",))
        self.assertEqual(parse_query("0333 1234567").digits, ("03331234567", "3331234567"))
        self.assertEqual(parse_query("張 偉").tokens, ("张伟",))  # folded to simplified


def test_traditional_surnames_take_their_surname_reading():
    from qiaolian.people.names import name_pinyin

    # 單 and 區 are the traditional forms of 单 (Shan) and 区 (Ou), not their everyday readings.
    assert name_pinyin("單", "田芳") == name_pinyin("单", "田芳") == ("shan tian fang", "stf")
    assert name_pinyin("區", "明") == ("ou ming", "om")
    assert name_pinyin("歐陽", "娜娜")[0] == "ou yang na na"
