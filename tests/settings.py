"""The test settings: the project's settings plus the apps that exist only for tests."""

from qiaolian.settings import *  # noqa: F403
from qiaolian.settings import INSTALLED_APPS

INSTALLED_APPS = [
    *INSTALLED_APPS,
    "tests.demoapp",
    # Concrete models on core's kits (ledger, rollup), for their tests (docs/core-kits.md).
    "tests.sampleapp",
]
