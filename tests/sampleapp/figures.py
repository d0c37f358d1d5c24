"""The sample app's rollups, declared as an app would declare its own."""

from qiaolian.core.rollup import Rollup, count, register, total
from tests.sampleapp.models import (
    SampleBookingRollup,
    SampleVisit,
    SampleVisitRollup,
)

VISITS = register(
    Rollup(
        key="sampleapp.visits",
        source=SampleVisit,
        table=SampleVisitRollup,
        date_field="happened_at",
        dimensions=("kind",),
        measures={"visits": count(), "people": total("people")},
    )
)

BOOKINGS = register(
    Rollup(
        key="sampleapp.bookings",
        source=SampleVisit,
        table=SampleBookingRollup,
        date_field="booked_on",
        measures={"bookings": count()},
    )
)
