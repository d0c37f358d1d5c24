from django.db import models


class PeriodicRun(models.Model):
    """When a periodic task (see `registry.PeriodicTask`) may next be enqueued.

    Workers claim a run with a conditional UPDATE on this row, so one of them wins each
    period whatever the number of workers or databases' isolation levels.
    """

    name = models.CharField(max_length=200, primary_key=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "periodic run"

    def __str__(self) -> str:
        return self.name
