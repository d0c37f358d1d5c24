"""The hotline's API operations (mounted under `/hotline` by qiaolian/api/root.py as `router`:
paths here are relative to it, and operation ids read `hotline_<function>`).

One module per area, each with its own router: cases, calls, volunteers and shifts,
tomb-sweeping orders, answers, surveys. Every operation starts from restrict() or
get_visible() (404 outside the caller's scope, 403 when the action is held nowhere), writes go
through the same services as the pages, and the URL name of an operation is its function name
(`api:call_list`), which the leak sweep (`tests/sweep_api.py`, `tests/sweep_cases.py`) lists.
"""

from ninja import Router

from qiaolian.hotline.api import answers, calls, cases, surveys, tomb, volunteers

router = Router()
for module in (cases, calls, volunteers, tomb, answers, surveys):
    router.add_router("/", module.router)

__all__ = ["router"]
