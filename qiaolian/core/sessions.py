"""The session store (issue 10, finding 11): Django's database sessions, saved key by key.

Django saves a session whole: two overlapping requests of one user each load it, each change
something, and the later save writes back its stale copy over the other's change (a unit
switch undone by a page that only refreshed last_seen). This store remembers which keys the
request set or removed and, at save, applies only those to the row as it is now, inside a
transaction that locks the row (PostgreSQL: SELECT … FOR UPDATE; SQLite: the IMMEDIATE
transaction mode in settings). A session deleted meanwhile (logout, deactivation) is not
brought back: the save fails as Django's does, and the request ends as logged out."""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import router, transaction
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._set_keys: set[str] = set()
        self._removed_keys: set[str] = set()
        self._whole = False  # clear() or a new session: the whole dictionary is written

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self._set_keys.add(key)
        self._removed_keys.discard(key)

    def __delitem__(self, key):
        super().__delitem__(key)
        self._removed_keys.add(key)
        self._set_keys.discard(key)

    def pop(self, key, *args):
        if key in self:
            self._removed_keys.add(key)
            self._set_keys.discard(key)
        return super().pop(key, *args)

    def setdefault(self, key, value):  # type: ignore[override]  # SessionBase's own signature
        if key not in self:
            self._set_keys.add(key)
            self._removed_keys.discard(key)
        return super().setdefault(key, value)

    def update(self, dict_):  # type: ignore[override]  # SessionBase's own signature
        super().update(dict_)
        self._set_keys.update(dict_)
        self._removed_keys.difference_update(dict_)

    def clear(self):
        super().clear()
        self._whole = True

    def save(self, must_create=False):
        if must_create or self._whole or self.session_key is None:
            super().save(must_create=must_create)
        else:
            using = router.db_for_write(self.model)
            with transaction.atomic(using=using):
                row = (
                    self.model.objects.using(using)
                    .select_for_update()
                    .filter(session_key=self.session_key, expire_date__gt=timezone.now())
                    .first()
                )
                if row is not None:
                    merged = self.decode(row.session_data)
                    mine = dict(self.items())
                    merged.update({key: mine[key] for key in self._set_keys if key in mine})
                    for key in self._removed_keys:
                        merged.pop(key, None)
                    self._session_cache = merged
                # No row: Django's save fails (UpdateError), and the middleware answers that
                # the session was interrupted; it is never created again from this copy.
                super().save(must_create=False)
        self._set_keys.clear()
        self._removed_keys.clear()
        self._whole = False
