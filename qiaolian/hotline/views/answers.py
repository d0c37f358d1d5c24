"""Hotline pages: answers (see hotline/urls.py)."""

urlpatterns: list = []
