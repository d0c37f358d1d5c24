"""HTTP benchmarks: a real gunicorn over the bench database, and a load generator.

    from bench import http

    with http.serve() as server:
        cookies = http.login(server.base_url, "haishu_manager", "Qiaolian@2026")
        status, body = http.fetch(server.base_url + "/people/", cookies)
        figures = http.load(server.base_url + "/people/", cookies, seconds=10, concurrency=4)
        # {"rps": 123.4, "p50": 30.1, "p99": 80.2, "requests": 1234, "errors": 0,
        #  "tool": "wrk", "seconds": 10.0, "concurrency": 4}   (latencies in ms)
        ceiling = http.load(server.base_url + http.TRIVIAL_PATH, cookies)
        rows = http.rows("people list page", figures, ceiling, database="sqlite")

`serve()` starts gunicorn as `make run` does (`qiaolian.wsgi`, two sync workers; no access
log) on a free port of 127.0.0.1, with production settings over plain http (`bench.settings`,
DEBUG=0, a random SECRET_KEY) against the database of DATABASE_URL — the one the bench set
up — and stops it on exit. `login()` signs in through the real login form, so the session,
CSRF and lockout middleware run as for a person. `load()` drives one URL for a fixed time at
a fixed concurrency with `wrk` when it is installed (BENCH_HTTP_TOOL=python forces the
fallback), else with Python threads over keep-alive `http.client` connections; the result
says which in "tool". Gunicorn's sync workers close the connection after each response, so
both reconnect per request, as browsers behind no proxy would. A request that does not
answer 200 counts in "errors", not in the rate or the percentiles. `rows()` turns a page's
figures and the trivial view's (the ceiling) into the bench table's two rows.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
LOGIN_PATH = "/account/login/"
TRIVIAL_PATH = "/bench/trivial"  # the ceiling: bench/urls.py

# wrk reports its own figures: every thread's non-200 count, the percentiles in microseconds.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  for _, thread in ipairs(threads) do errors = errors + thread:get("bad") end
  io.write(string.format(
    'WRK {"requests": %d, "duration_us": %d, "errors": %d, "p50_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, errors, latency:percentile(50),
    latency:percentile(99)))
end
"""


@dataclass
class Server:
    base_url: str
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(env: dict[str, str] | None) -> dict[str, str]:
    """The child's environment: ours (DATABASE_URL above all) plus production settings."""
    child = dict(os.environ)
    child.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
    )
    from django.conf import settings

    if settings.configured:
        # The rows on disk were encrypted with this process's key: the server must read them.
        child["FIELD_ENCRYPTION_KEY"] = settings.FIELD_ENCRYPTION_KEY
    child.update(env or {})
    return child


@contextlib.contextmanager
def serve(env: dict[str, str] | None = None, *, workers: int = 2) -> Iterator[Server]:
    """A gunicorn serving the project on a free localhost port until the block ends."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    descriptor, name = tempfile.mkstemp(prefix="qiaolian-bench-gunicorn-", suffix=".log")
    os.close(descriptor)
    log = Path(name)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "qiaolian.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--chdir",
        str(ROOT),
        "--log-level",
        "warning",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            command,
            env=_server_env(env),
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped together below
        )
    try:
        _wait_healthy(process, base_url, log)
        yield Server(base_url=base_url, log=log)
    except BaseException:
        print(f"gunicorn log: {log}")
        raise
    else:
        log.unlink()
    finally:
        _stop(process)


def _wait_healthy(process: subprocess.Popen, base_url: str, log: Path, timeout: float = 90):
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{_tail(log)}")
        try:
            status, body = fetch(base_url + "/healthz")
        except OSError as exc:
            last = repr(exc)
        else:
            if status == 200:
                return
            last = f"{status} {body[:300]!r}"
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn not healthy after {timeout:.0f} s ({last}):\n{_tail(log)}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # the master stops its workers gracefully
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


# --- requests -------------------------------------------------------------------------------


def _cookie_header(cookies: dict[str, str] | None) -> str:
    return "; ".join(f"{name}={value}" for name, value in (cookies or {}).items())


def _request(
    url: str,
    cookies: dict[str, str] | None = None,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Message, bytes]:
    """One request on a fresh connection: status, headers, body."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    all_headers = dict(headers or {})
    if cookies:
        all_headers["Cookie"] = _cookie_header(cookies)
    try:
        connection.request(method, path or "/", body=body, headers=all_headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def fetch(url: str, cookies: dict[str, str] | None = None) -> tuple[int, str]:
    """GET one URL: its status and its body as text."""
    status, _headers, body = _request(url, cookies)
    return status, body.decode(errors="replace")


def _set_cookies(headers: Message) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for header in headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def login(base_url: str, username: str, password: str) -> dict[str, str]:
    """Sign in through the login form; returns the cookies of the signed-in session."""
    status, headers, page = _request(base_url + LOGIN_PATH)
    cookies = _set_cookies(headers)
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not found:
        raise RuntimeError(f"login form: {status}, no CSRF token")
    body = urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": found[1].decode()}
    ).encode()
    status, headers, _page = _request(
        base_url + LOGIN_PATH,
        cookies,
        method="POST",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": base_url},
    )
    cookies.update(_set_cookies(headers))
    if status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"login as {username} failed: {status}")
    return cookies


# --- load -----------------------------------------------------------------------------------


def tool() -> str:
    """The load generator `load()` uses: "wrk" when installed, else "python"."""
    if os.environ.get("BENCH_HTTP_TOOL") == "python" or not shutil.which("wrk"):
        return "python"
    return "wrk"


def load(
    url: str,
    cookies: dict[str, str] | None = None,
    seconds: float = 10,
    concurrency: int = 4,
    *,
    warmup: float = 2,
) -> dict:
    """Requests per second and p50/p99 latency (ms) of GET `url` for `seconds` with
    `concurrency` requests in flight, after `warmup` seconds of the same untimed."""
    run = _wrk if tool() == "wrk" else _python
    headers = {"Cookie": _cookie_header(cookies)} if cookies else {}
    if warmup > 0:
        run(url, headers, warmup, concurrency)
    figures = run(url, headers, seconds, concurrency)
    return {**figures, "seconds": seconds, "concurrency": concurrency}


def _wrk(url: str, headers: dict[str, str], seconds: float, concurrency: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = ["wrk", "-t1", f"-c{concurrency}", f"-d{max(1, round(seconds))}s", "--timeout", "60s"]
    command += ["-s", script.name]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    try:
        output = subprocess.run(  # noqa: S603 - wrk with our own arguments
            [*command, url], capture_output=True, text=True, check=True
        ).stdout
    finally:
        os.unlink(script.name)
    line = next((x for x in output.splitlines() if x.startswith("WRK ")), None)
    if line is None:
        raise RuntimeError(f"no figures from wrk:\n{output}")
    figures = json.loads(line[4:])
    ok = figures["requests"] - figures["errors"]
    return {
        "rps": ok / (figures["duration_us"] / 1e6),
        "p50": figures["p50_us"] / 1000,
        "p99": figures["p99_us"] / 1000,
        "requests": ok,
        "errors": figures["errors"],
        "tool": "wrk",
    }


def _python(url: str, headers: dict[str, str], seconds: float, concurrency: int) -> dict:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    deadline = time.perf_counter() + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=60)
        own = latencies[index]
        while (start := time.perf_counter()) < deadline:
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
                if response.will_close:
                    connection.close()  # the next request() reconnects
            except (OSError, http.client.HTTPException):
                connection.close()
                ok = False
            if ok:
                own.append((time.perf_counter() - start) * 1000)
            else:
                errors[index] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    samples = sorted(x for own in latencies for x in own)
    return {
        "rps": len(samples) / elapsed,
        "p50": _percentile(samples, 50),
        "p99": _percentile(samples, 99),
        "requests": len(samples),
        "errors": sum(errors),
        "tool": "python",
    }


def _percentile(samples: list[float], q: float) -> float:
    if not samples:
        return math.nan
    return samples[min(len(samples) - 1, max(0, math.ceil(len(samples) * q / 100) - 1))]


def rows(name: str, figures: dict, ceiling: dict, **extra) -> list[dict]:
    """A page's two table rows: requests per second and p99 latency, each beside the
    ceiling's (`load()` of TRIVIAL_PATH). The ratio is the page's share of the ceiling,
    higher is better like the other benches' ratios: 0.25 is four times slower."""
    common = {
        "p50": round(figures["p50"], 2),
        "baseline_p50": round(ceiling["p50"], 2),
        "target": None,
        "requests": figures["requests"],
        "errors": figures["errors"],
        "tool": figures["tool"],
        "concurrency": figures["concurrency"],
        "seconds": figures["seconds"],
        **extra,
    }
    return [
        {
            "name": f"{name}, req/s",
            "value": round(figures["rps"], 2),
            "unit": "req/s",
            "baseline": round(ceiling["rps"], 2),
            "ratio": round(figures["rps"] / ceiling["rps"], 3),
            **common,
        },
        {
            "name": f"{name}, p99",
            "value": round(figures["p99"], 2),
            "unit": "ms p99",
            "baseline": round(ceiling["p99"], 2),
            "ratio": round(ceiling["p99"] / figures["p99"], 3) if figures["p99"] else None,
            **common,
        },
    ]
