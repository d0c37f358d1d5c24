"""Background work through the django.tasks API. Enqueue with `enqueue_on_commit` so a task
never sees (or acts on) a transaction that rolled back."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task, task_backends


@task()
def send_email(*, subject: str, body: str, to: list[str], html: str | None = None) -> int:
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, html_message=html)


@task()
def send_password_reset(*, email: str, domain: str, use_https: bool, language: str) -> None:
    """The password reset mail of `email`'s accounts, if any (the lookup happens here, not in
    the request, so the request takes as long for an unknown address as for a known one)."""
    from django.contrib.auth.forms import PasswordResetForm
    from django.utils import translation

    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    with translation.override(language):
        form.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name="core/auth/password_reset_subject.txt",
            email_template_name="core/auth/password_reset_email.txt",
        )


@task()
def echo(value: str) -> str:
    """A no-op task for health checks and for testing that workers run."""
    return value


@task()
def delete_orphan_files() -> int:
    """Remove private files no row names any more (periodic: see the worker command)."""
    from qiaolian.core.files import delete_orphans

    return len(delete_orphans())


def enqueue_on_commit(task_obj, *args, **kwargs) -> None:
    transaction.on_commit(partial(task_obj.enqueue, *args, **kwargs))


def queue_status() -> dict:
    """Backend name and backlog, for /healthz."""
    backend = task_backends["default"]
    status: dict = {"ok": True, "backend": settings.TASKS_BACKEND}
    try:
        if settings.TASKS_BACKEND == "rq":
            import django_rq

            queue = django_rq.get_queue("default")
            queue.connection.ping()
            status["pending"] = queue.count
        else:
            from django_tasks_db.models import DBTaskResult

            status["pending"] = DBTaskResult.objects.ready().count()
    except Exception as exc:
        status.update(ok=False, error=exc.__class__.__name__)
    status["alias"] = backend.alias
    return status
