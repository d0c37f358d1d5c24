"""A real worker process is killed (SIGKILL) in the middle of a send; after a restart every
recipient has exactly one message. PostgreSQL only: the worker is a separate process that must
see the test's committed rows (SQLite's test database lives in this process's memory)."""

import asyncio
import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from qiaolian.core.testing.cast import Cast
from qiaolian.outreach import services
from qiaolian.outreach.models import Delivery, Letter
from qiaolian.outreach.sending import run_letter
from qiaolian.outreach.tests.conftest import SMTP_PORT
from qiaolian.outreach.tests.support import audience, letter, person

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the killed worker is another process: it needs the PostgreSQL test database",
    ),
]

CHILD = """
import django, sys
django.setup()
from django.conf import settings
settings.OUTREACH_SMTP_HOST, settings.OUTREACH_SMTP_PORT = "127.0.0.1", {port}
settings.OUTREACH_LEASE_SECONDS = 60
from qiaolian.outreach.sending import run_letter
run_letter({letter}, worker="doomed")
"""


def test_a_killed_worker_leaves_nothing_lost_and_nothing_twice():
    from aiosmtpd.controller import Controller

    cast = Cast.build()
    for n in range(8):
        person(cast.township_a1, time_zone="", emails=[f"k{n}@example.com"])
    draft = letter(cast, audience(cast))
    services.letter_approve(actor=cast.district_manager, letter=draft)
    services.letter_send(actor=cast.township_worker, letter=draft)

    received: list[str] = []
    stuck = threading.Event()
    release = threading.Event()

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, options):
            if len(received) == 3 and not release.is_set():
                stuck.set()  # the fourth message: hold it until the worker is dead
                while not release.is_set():
                    await asyncio.sleep(0.01)
                return "451 try again"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            received.extend(envelope.rcpt_tos)
            return "250 Message accepted"

    controller = Controller(Handler(), hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    try:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "tests.settings"),
            "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0]
            + "/"
            + connection.settings_dict["NAME"],
        }
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD.format(port=SMTP_PORT, letter=draft.pk)], env=env
        )
        assert stuck.wait(60), "the worker never reached the fourth message"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        release.set()
        assert len(received) == 3
        claimed = Delivery.objects.filter(claimed_by="doomed", status="queued").count()
        assert claimed == 5  # the dead worker still holds the rest under its lease
        run_letter(draft.pk, worker="restart")  # too early: the lease still holds
        assert len(received) == 3
        with override_settings(OUTREACH_SMTP_HOST="127.0.0.1", OUTREACH_SMTP_PORT=SMTP_PORT):
            run_letter(draft.pk, worker="restart", now=timezone.now() + timedelta(seconds=61))
    finally:
        release.set()
        controller.stop()
    assert sorted(received) == sorted(f"k{n}@example.com" for n in range(8))
    assert Letter.objects.get(pk=draft.pk).status == Letter.Status.SENT
