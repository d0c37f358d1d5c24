"""The donations app's tests read messages in English (the site's default is Chinese)."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield
