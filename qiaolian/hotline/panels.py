"""Side panels of the case page, contributed by the hotline's areas.

The case detail view renders, in order, every panel whose function returns a context; a panel
function takes `(request, case)` and returns `None` (nothing to show) or a dict that must hold
`template` (the panel's template) plus whatever that template reads. Areas register with
`@panel(order)` in their views module, which hotline/urls.py imports, so registration happens
before the first request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PanelFn = Callable[[Any, Any], dict | None]
_PANELS: list[tuple[int, PanelFn]] = []


def panel(order: int) -> Callable[[PanelFn], PanelFn]:
    def register(fn: PanelFn) -> PanelFn:
        _PANELS.append((order, fn))
        _PANELS.sort(key=lambda item: item[0])
        return fn

    return register


def panels_for(request: Any, case: Any) -> list[dict]:
    shown = []
    for _order, fn in _PANELS:
        context = fn(request, case)
        if context is not None:
            shown.append(context)
    return shown
