"""Every enum in the API schema has a name of its own.

OpenAPI components are named after their classes, and ninja merges every schema's definitions
into one `components` map: two apps' `Status` enums under one name would leave one app's
values in the other's schema (found by the schemathesis fuzz: a case's "new" status refused
against a letter's statuses). `core.api_kit.api_enum` gives a model's choices their own name.
"""

from collections import defaultdict

from ninja import Schema

from qiaolian.api.root import api


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_no_two_enums_of_the_api_share_a_name():
    api.get_openapi_schema()  # builds every operation's parameter models too
    values_by_name = defaultdict(dict)
    for schema in set(_subclasses(Schema)):
        for name, definition in schema.model_json_schema().get("$defs", {}).items():
            if "enum" in definition:
                values_by_name[name][tuple(definition["enum"])] = schema.__qualname__
    shared = {name: seen for name, seen in values_by_name.items() if len(seen) > 1}
    assert not shared, f"rename with core.api_kit.api_enum: {shared}"


def test_the_published_enums_carry_each_apps_own_values():
    components = api.get_openapi_schema()["components"]["schemas"]
    assert "new" in components["Status"]["enum"]  # the hotline's case statuses
    assert components["NeedStatus"]["enum"][0] == "reported"
    assert "acknowledged" in components["ShipmentStatus"]["enum"]
    assert "sending" in components["LetterStatus"]["enum"]
    assert "review" in components["ArticleStatus"]["enum"]
