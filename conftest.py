"""Project-wide pytest fixtures."""

import pytest

from qiaolian.core.testing.cast import Cast


@pytest.fixture
def cast(db) -> Cast:
    return Cast.build()


@pytest.fixture(autouse=True, scope="session")
def _network_seed_at_test_size():
    """`manage.py seed` in tests builds the liaison grid's demo data at a tiny size: the
    article scale (24,617 people) takes tens of seconds (see qiaolian/network/seed.py)."""
    from django.conf import settings

    settings.SEED_NETWORK_PLAN = "tiny"
