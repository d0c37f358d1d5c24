"""Liaison groups, memberships, stewards, roster reconciliation and the grid pages."""

from django.urls import path  # noqa: F401 - used below as the pages are added

app_name = "network"

urlpatterns: list = []
