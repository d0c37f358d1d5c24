"""Periodic work of the news app."""

from django.tasks import task

from qiaolian.news import counting


@task
def flush_views() -> int:
    """Move the views counted in the shared cache into the daily counter table."""
    return counting.flush_views()
