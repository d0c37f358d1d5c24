"""Local servers the channel tests talk to over the real protocols: an SMTP server (aiosmtpd)
and an HTTP server that records the JSON requests (the SMS gateway, the group robots)."""

from __future__ import annotations

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from qiaolian.core.testing import workers

# Inside this helper's range (8150-8159): 8151/8152 for one test process, 8157/8158 for a
# second xdist worker; the browser test takes 8155/8156.
_OFFSET = 6 if os.environ.get("PYTEST_XDIST_WORKER", "gw0") != "gw0" else 0
SMTP_PORT = 8151 + _OFFSET
HTTP_PORT = 8152 + _OFFSET


@pytest.fixture
def task_queue():
    class Queue:
        run = staticmethod(workers.run_queued_tasks)

    if workers.uses_rq():
        workers.flush_rq()
    yield Queue()
    if workers.uses_rq():
        workers.flush_rq()


class Recorder:
    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        self.answer: dict = {}
        self.fail_times = 0

    def by_path(self, prefix: str) -> list[dict]:
        return [r for r in self.requests if r["path"].startswith(prefix)]


@pytest.fixture
def fake_http():
    recorder = Recorder()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length).decode())
            recorder.requests.append(
                {"path": self.path, "body": body, "headers": dict(self.headers)}
            )
            status = recorder.status
            if recorder.fail_times:
                recorder.fail_times -= 1
                status = 500
            if self.path.startswith("/sms"):
                answer = {"Code": "OK", "BizId": f"B{len(recorder.requests)}"}
            else:
                answer = {"errcode": 0, "errmsg": "ok"}
            answer.update(recorder.answer)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", HTTP_PORT), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    recorder.url = f"http://127.0.0.1:{HTTP_PORT}"
    with override_settings(OUTREACH_SMS_URL=f"{recorder.url}/sms", OUTREACH_SMS_SECRET="s3cret"):
        yield recorder
    server.shutdown()
    server.server_close()


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received: list = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    controller = Controller(Collect(), hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    with override_settings(OUTREACH_SMTP_HOST="127.0.0.1", OUTREACH_SMTP_PORT=SMTP_PORT):
        yield received
    controller.stop()
