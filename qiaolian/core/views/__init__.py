"""Core views: generic scoped views (generic.py), anonymous public pages (public.py)."""

from qiaolian.core.views.public import PublicListView, PublicPageView

__all__ = ["PublicListView", "PublicPageView"]
