"""The hotline's permission domain, on its own so that services the app's `ready()` loads can
name it without importing the app config (`apps.py` re-exports it as before)."""

from qiaolian.core.scoping import DomainActions

HOTLINE = DomainActions("hotline")
"""The actions of the hotline domain ("hotline.view", …)."""
