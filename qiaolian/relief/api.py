"""The supplies API operations (mounted under /api/relief)."""

from ninja import Router

router = Router(tags=["relief"])
