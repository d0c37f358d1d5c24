"""Leak-sweep entries for the core's URLs (see core/testing/sweep.py)."""

from qiaolian.core.models import AuditEvent, LoginEvent, UnitRole
from qiaolian.core.services import api_token_create
from qiaolian.core.testing.sweep import Create, Detail, Exempt, Listing


def _sibling_unit(cast):
    return {"public_id": cast.district_b.public_id}


def _sibling_unit_api(cast):
    return {"unit_id": cast.district_b.public_id}


def _sibling_user(cast):
    return {"public_id": cast.sibling_manager.public_id}


def _sibling_grant(cast):
    grant = UnitRole.objects.get(user=cast.sibling_manager)
    return {"public_id": grant.public_id}


def _sibling_token(cast):
    token, _secret = api_token_create(actor=cast.sibling_manager, name="sibling-token")
    return {"public_id": token.public_id}


NOTIFICATION_MARKER = "乙区通知泄漏标记"


def _sibling_notification(cast):
    from qiaolian.core.models import Notification

    notification = Notification.objects.create(
        recipient=cast.sibling_manager,
        kind="people.import_finished",
        params={"file": NOTIFICATION_MARKER, "outcome": "committed"},
    )
    return {"public_id": notification.public_id}


def _notification_listing(cast):
    _sibling_notification(cast)
    return {}, NOTIFICATION_MARKER


def _unit_listing(cast):
    return {}, "乙区侨联"


def _user_listing(cast):
    return {}, "sibling_manager"


def _audit_listing(cast):
    AuditEvent.objects.create(
        actor_name="sibling_manager",
        action="leak.marker",
        object_repr="SIBLING-AUDIT-MARKER",
        unit=cast.district_b,
    )
    return {}, "SIBLING-AUDIT-MARKER"


def _login_listing(cast):
    LoginEvent.objects.create(
        username="SIBLING-LOGIN-MARKER",
        outcome="success",
        unit=cast.district_b,
        user=cast.sibling_manager,
    )
    return {}, "SIBLING-LOGIN-MARKER"


def _token_listing(cast):
    api_token_create(actor=cast.sibling_manager, name="SIBLING-TOKEN-MARKER")
    return {}, "SIBLING-TOKEN-MARKER"


def _sibling_export(cast):
    from qiaolian.core.models import ExportJob

    job = ExportJob.objects.create(
        owner=cast.sibling_manager,
        within_unit=cast.district_b,
        name="people",
        title="SIBLING-EXPORT-MARKER",
        source="qiaolian.people.views.people.PersonListView",
        fmt="xlsx",
        status=ExportJob.Status.DONE,
    )
    return {"public_id": job.public_id}


def _export_listing(cast):
    _sibling_export(cast)
    return {}, "SIBLING-EXPORT-MARKER"


GLOBAL_DICTIONARY = "Dictionaries are federation-wide reference data, owned by no unit."
GLOBAL_CALENDAR = (
    "The working calendar is federation-wide reference data owned by no unit; only CONFIGURE "
    "at a root unit opens it (403 for others, tested in test_views_calendar)."
)
ACCOUNT_PAGE = "Acts only on the logged-in user's own account; takes no object id."

SWEEP = {
    "set_language": Exempt("Sets the language cookie; reads no records."),
    "healthz": Exempt("Reports service health only; no records, no counts."),
    "api:openapi-json": Exempt("The API schema; no records."),
    "api:openapi-view": Exempt("The API documentation page; no records."),
    "api:api-root": Exempt("Ninja's root pattern; no records."),
    "api:me": Exempt("Describes the caller's own account only."),
    "api:unit_list": Listing(_unit_listing),
    "api:unit_create": Create(
        "core.Unit",
        lambda cast: {
            "parent": str(cast.district_b.public_id),
            "code": "SWEEP-API",
            "name": "新单位",
            "kind": "community",
        },
    ),
    "api:unit_detail": Detail(_sibling_unit_api, methods=("GET",)),
    "api:unit_update": Detail(
        _sibling_unit_api, methods=("PATCH",), payload=lambda cast: {"name": "改名"}
    ),
    "api:unit_move": Detail(
        _sibling_unit_api,
        methods=("POST",),
        payload=lambda cast: {"new_parent": str(cast.district_a.public_id)},
    ),
    "core:system": Listing(_unit_listing),
    "core:notification_list": Listing(_notification_listing),
    "core:notification_open": Detail(_sibling_notification, methods=("POST",)),
    "core:notification_read_all": Exempt(
        "Marks the caller's own notifications read (recipient filter); shows no records."
    ),
    "core:figures": Listing(_unit_listing),
    "core:switch_unit": Exempt(
        "Only accepts units from the user's own grants (tested in test_views_units)."
    ),
    "core:login": Exempt(ACCOUNT_PAGE),
    "core:logout": Exempt(ACCOUNT_PAGE),
    "core:password_change": Exempt(ACCOUNT_PAGE),
    "core:password_reset": Exempt("Public; never reveals whether an account exists."),
    "core:password_reset_done": Exempt("Public static confirmation page."),
    "core:password_reset_confirm": Exempt("Public; guarded by the signed one-hour token."),
    "core:otp_verify": Exempt(ACCOUNT_PAGE),
    "core:otp_setup": Exempt(ACCOUNT_PAGE),
    "core:token_list": Listing(_token_listing),
    "core:export_list": Listing(_export_listing),
    "core:export_detail": Detail(_sibling_export, methods=("GET",)),
    "core:export_download": Detail(_sibling_export, methods=("GET",)),
    "core:token_create": Exempt("Creates a token for the logged-in user only."),
    "core:token_revoke": Detail(_sibling_token, methods=("POST",)),
    "core:unit_list": Listing(_unit_listing),
    "core:unit_options": Listing(_unit_listing, query=lambda marker: {"q": marker}),
    "core:unit_create": Create(
        "core.Unit",
        lambda cast: {
            "parent": cast.district_b.pk,
            "code": "SWEEP-PAGE",
            "name": "新单位",
            "kind": "community",
        },
    ),
    "core:unit_detail": Detail(_sibling_unit, methods=("GET",)),
    "core:unit_edit": Detail(_sibling_unit),
    "core:unit_move": Detail(_sibling_unit),
    "core:unit_deactivate": Detail(_sibling_unit, methods=("POST",)),
    "core:unit_activate": Detail(_sibling_unit, methods=("POST",)),
    "core:user_list": Listing(_user_listing),
    "core:user_create": Create(
        "core.User",
        lambda cast: {
            "username": "sweep_new_user",
            "home_unit": cast.district_b.pk,
            "password": "Qiaolian-Sweep-2026!",
        },
    ),
    "core:user_detail": Detail(_sibling_user, methods=("GET",)),
    "core:user_edit": Detail(_sibling_user),
    "core:user_grant": Detail(_sibling_user),
    "core:grant_revoke": Detail(_sibling_grant, methods=("POST",)),
    "core:dict_list": Exempt(GLOBAL_DICTIONARY),
    "core:dict_detail": Exempt(GLOBAL_DICTIONARY),
    "core:dict_item_create": Exempt(GLOBAL_DICTIONARY),
    "core:dict_item_edit": Exempt(GLOBAL_DICTIONARY),
    "core:calendar_list": Exempt(GLOBAL_CALENDAR),
    "core:calendar_year": Exempt(GLOBAL_CALENDAR),
    "core:calendar_day_create": Exempt(GLOBAL_CALENDAR),
    "core:calendar_year_confirm": Exempt(GLOBAL_CALENDAR),
    "core:calendar_day_edit": Exempt(GLOBAL_CALENDAR),
    "core:calendar_day_delete": Exempt(GLOBAL_CALENDAR),
    "core:role_list": Exempt("Roles are federation-wide sets of actions, owned by no unit."),
    "core:role_create": Exempt("Roles are federation-wide; editing needs CONFIGURE at a root."),
    "core:role_edit": Exempt("Roles are federation-wide; editing needs CONFIGURE at a root."),
    "core:audit_list": Listing(_audit_listing, exports=("csv", "xlsx")),
    "core:login_log": Listing(_login_listing, exports=("csv", "xlsx")),
}
