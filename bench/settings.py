"""Settings of the gunicorn that `bench/http.py` starts: production settings over plain http.

The server runs with DEBUG=0 (the bench harness sets it with a random SECRET_KEY and
ALLOWED_HOSTS, as `check --deploy` in .ci/run does), so timing is what production pays:
no query log, no debug templates. Three things differ from production, all because the
benchmark talks plain http to 127.0.0.1 with no TLS proxy in front:

- SECURE_SSL_REDIRECT is off (every request would otherwise get a 301 to https);
- the session and CSRF cookies are not `Secure` and drop their `__Host-` prefix (a client
  only sends such cookies over https);
- static files use the plain storage: production's manifest storage needs a collectstatic
  run first, and only the `{% static %}` URLs in the page differ, not the work per request.

ROOT_URLCONF is `bench.urls`: the project's URLs plus a trivial view, the ceiling the pages
are measured against. The production URLconf (and so the leak sweep) does not change.
"""

import os

from qiaolian.settings import *  # noqa: F403
from qiaolian.settings import STORAGES

ROOT_URLCONF = "bench.urls"

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The news bench serves its article page without the page cache too (its baseline).
NEWS_PAGE_CACHE = os.environ.get("NEWS_PAGE_CACHE", "1") != "0"
