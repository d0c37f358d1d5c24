"""The grid's tests read messages in English (the site's default language is Chinese);
requests that check English text send `Accept-Language: en`."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield
