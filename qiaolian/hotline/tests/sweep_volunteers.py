"""Leak-sweep entries for the volunteers, shifts and duty-rota pages.

Every object made here belongs to the sibling district B."""

from qiaolian.core.testing.factories import UserFactory
from qiaolian.core.testing.sweep import Create, Detail, Listing
from qiaolian.hotline.tests.factories import ShiftFactory, VolunteerFactory

VOLUNTEER_MARKER = "乙区医生泄漏"


def _sibling_volunteer(cast):
    user = UserFactory(home_unit=cast.district_b, display_name=VOLUNTEER_MARKER)
    return VolunteerFactory(unit=cast.district_b, user=user, licence_number="B-LEAK-0001")


def _volunteer(cast):
    return {"public_id": _sibling_volunteer(cast).public_id}


def _volunteer_listing(cast):
    _sibling_volunteer(cast)
    return {}, VOLUNTEER_MARKER


def _shift(cast):
    return {"public_id": ShiftFactory(volunteer=_sibling_volunteer(cast)).public_id}


def _rota_listing(cast):
    ShiftFactory(volunteer=_sibling_volunteer(cast))  # running now: this week and on duty
    return {}, VOLUNTEER_MARKER


SWEEP = {
    "hotline:volunteer_list": Listing(_volunteer_listing, exports=("csv", "xlsx")),
    "hotline:volunteer_create": Create(
        "hotline.Volunteer",
        lambda cast: {
            "user": UserFactory(home_unit=cast.district_b).pk,
            "unit": cast.district_b.pk,
            "profession": "doctor",
            "licence_number": "110",
            "time_zone": "Asia/Shanghai",
            "is_active": "on",
        },
    ),
    "hotline:volunteer_detail": Detail(_volunteer, methods=("GET",)),
    "hotline:volunteer_edit": Detail(_volunteer),
    "hotline:volunteer_reveal": Detail(_volunteer, methods=("POST",)),
    "hotline:rota": Listing(_rota_listing),
    "hotline:shift_create": Create(
        "hotline.Shift",
        lambda cast: {
            "volunteer": VolunteerFactory(unit=cast.district_b).pk,
            "starts_at": "2026-03-02T08:00",
            "ends_at": "2026-03-02T16:00",
        },
    ),
    "hotline:shift_edit": Detail(_shift),
    "hotline:shift_delete": Detail(_shift, methods=("POST",)),
}
