"""Hotline pages: stats (see hotline/urls.py)."""

urlpatterns: list = []
