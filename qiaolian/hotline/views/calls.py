"""Hotline pages: calls (see hotline/urls.py)."""

urlpatterns: list = []
