"""Core models: the unit tree, users and grants, audit, dictionaries and API tokens."""

from qiaolian.core.models.accounts import ApiToken, Role, UnitRole, User
from qiaolian.core.models.audit import AuditEvent, LoginEvent
from qiaolian.core.models.dictionaries import DictItem, DictType
from qiaolian.core.models.links import PrivateLink
from qiaolian.core.models.tasks import PeriodicRun
from qiaolian.core.models.units import Unit, UnitKind

__all__ = [
    "ApiToken",
    "AuditEvent",
    "DictItem",
    "DictType",
    "LoginEvent",
    "PeriodicRun",
    "PrivateLink",
    "Role",
    "Unit",
    "UnitKind",
    "UnitRole",
    "User",
]
