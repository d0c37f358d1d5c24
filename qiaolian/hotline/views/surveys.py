"""Hotline pages: surveys (see hotline/urls.py)."""

urlpatterns: list = []
