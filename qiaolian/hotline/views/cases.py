"""Hotline pages: cases (see hotline/urls.py)."""

urlpatterns: list = []
