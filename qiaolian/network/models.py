"""Liaison groups (群), their members and the staff and volunteers embedded in them."""
