from django.db import connection
from django.test.utils import CaptureQueriesContext
from qiaolian.core.tests import test_views_units as u, test_views_users as us, test_views_audit as a, test_api_units as api

class Mix:
    def test_count(self):
        if hasattr(self, "login"):
            self.login(self.actor); get = lambda: self.client.get(self.list_url())
        else:
            get = lambda: self.call(self.actor, self.url())
        get()
        with CaptureQueriesContext(connection) as c:
            get()
        print(type(self).__name__, len(c))
        for q in c.captured_queries: print("   ", q["sql"][:150])

class A(Mix, u.UnitListTests): pass
class B(Mix, us.UserListTests): pass
class C(Mix, a.AuditListTests): pass
class D(Mix, a.LoginLogTests): pass
class E(Mix, api.UnitApiListTests): pass
