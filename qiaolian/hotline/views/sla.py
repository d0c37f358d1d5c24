"""Hotline pages: sla (see hotline/urls.py)."""

urlpatterns: list = []
