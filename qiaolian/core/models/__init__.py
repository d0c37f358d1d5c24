"""Core models: the unit tree, users and grants, audit, dictionaries, API tokens, the
working calendar and exchange rates."""

from qiaolian.core.models.accounts import ApiToken, Role, UnitRole, User
from qiaolian.core.models.audit import AuditEvent, LoginEvent
from qiaolian.core.models.calendar import CalendarDay, CalendarYear
from qiaolian.core.models.dictionaries import DictItem, DictType
from qiaolian.core.models.exports import ExportJob
from qiaolian.core.models.links import PrivateLink
from qiaolian.core.models.money import ExchangeRate
from qiaolian.core.models.notifications import Notification
from qiaolian.core.models.tasks import PeriodicRun
from qiaolian.core.models.units import Unit, UnitKind

__all__ = [
    "ApiToken",
    "AuditEvent",
    "CalendarDay",
    "CalendarYear",
    "DictItem",
    "DictType",
    "ExchangeRate",
    "ExportJob",
    "LoginEvent",
    "Notification",
    "PeriodicRun",
    "PrivateLink",
    "Role",
    "Unit",
    "UnitKind",
    "UnitRole",
    "User",
]
