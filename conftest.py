"""Project-wide pytest fixtures."""

import pytest

from qiaolian.core.testing.cast import Cast


@pytest.fixture
def cast(db) -> Cast:
    return Cast.build()
