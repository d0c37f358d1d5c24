"""The news tests read messages in English (the site's default language is Chinese)."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    from django.core.cache import caches

    caches["default"].clear()
    yield
