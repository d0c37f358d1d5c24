"""Two dispatches of the last units at the same moment, each in its own connection and
transaction: exactly one wins, the other is refused, the balance ends at zero.

PostgreSQL only: SQLite's test database is one process-wide connection that serialises
writers itself, so threads there prove nothing (CI's PostgreSQL pass runs this).
"""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from qiaolian.core.ledger import verify_balances
from qiaolian.core.testing.cast import Cast
from qiaolian.relief.models import StockBalance, StockEntry
from qiaolian.relief.services import stock_dispatch, stock_receive
from qiaolian.relief.tests.factories import ItemFactory, WarehouseFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: row locks across connections (CI's PostgreSQL pass runs it)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_dispatches_of_the_last_units_exactly_one_wins():
    cast = Cast.build()
    item = ItemFactory(unit=cast.city)
    house = WarehouseFactory(unit=cast.district_a)
    stock_receive(
        actor=cast.district_manager,
        warehouse=house,
        item=item,
        quantity=10,
        received_on=date(2020, 2, 1),
        origin_kind="purchase",
    )
    start = threading.Barrier(2)
    won: list[int] = []
    refused: list[ValidationError] = []
    crashed: list[BaseException] = []

    def dispatch(user) -> None:
        try:
            start.wait(timeout=30)
            stock_dispatch(actor=user, warehouse=house, item=item, quantity=8)
            won.append(1)
        except ValidationError as exc:
            refused.append(exc)
        except BaseException as exc:
            crashed.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=dispatch, args=(u,))
        for u in (cast.district_manager, cast.city_admin)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not crashed, crashed
    assert (len(won), len(refused)) == (1, 1)
    assert "2" in refused[0].messages[0]  # the loser is told what is left
    assert StockBalance.objects.get(warehouse=house, item=item).quantity == 2
    assert verify_balances(StockEntry, StockBalance) == []
