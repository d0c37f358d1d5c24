"""`qiaolian worker`: run the task worker of whichever backend settings selected."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background task workers: db_worker (database backend) or rqworker (Redis)."

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true", help="Run queued tasks, then exit.")

    def handle(self, *args, burst: bool, **options):
        if settings.TASKS_BACKEND == "rq":
            call_command("rqworker", "default", with_scheduler=True, burst=burst)
        else:
            call_command("db_worker", queue_name="*", batch=burst, reload=False)
