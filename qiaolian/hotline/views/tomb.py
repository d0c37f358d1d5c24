"""Hotline pages: tomb (see hotline/urls.py)."""

urlpatterns: list = []
