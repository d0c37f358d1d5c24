"""Hotline pages: volunteers (see hotline/urls.py)."""

urlpatterns: list = []
