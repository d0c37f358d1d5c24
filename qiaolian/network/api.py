"""The liaison grid's API operations (added to the API root in qiaolian/api/root.py)."""

from ninja import Router

router = Router(tags=["network"])
