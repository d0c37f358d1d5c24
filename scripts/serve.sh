#!/usr/bin/env bash
# `make run`: the web server (gunicorn) and the task worker, stopped together and cleanly by
# Ctrl-C or SIGTERM. Production settings unless DEBUG=1 (`make dev`).
set -u
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

"$VENV/bin/python" manage.py worker &
worker=$!
# Threaded workers (gthread): a login's password hash (Argon2id, ~20 ms here; a legacy PBKDF2
# hash ~0.75 s until it is upgraded at that login) or a slow export download holds one thread,
# not a whole worker, so page requests keep being answered. Both hashers release the GIL, so
# threads really run beside it. Numbers for the 2-core host: one worker per core (each holds
# its own copy of Django, ~100 MB), 4 threads each, so 8 requests in flight; most of a
# request's time is spent waiting on the database. That is also 8 database connections at
# most (CONN_MAX_AGE keeps one per thread), far below PostgreSQL's default 100. Raise
# WEB_WORKERS with the cores, WEB_THREADS if requests queue while the CPU is idle.
"$VENV/bin/gunicorn" qiaolian.wsgi --bind "$HOST:$PORT" --workers "${WEB_WORKERS:-2}" \
  --worker-class gthread --threads "${WEB_THREADS:-4}" --access-logfile - &
web=$!

stop() {
  trap - INT TERM
  kill -TERM "$web" "$worker" 2>/dev/null
  wait "$web" "$worker" 2>/dev/null
  echo "Qiaolian stopped."
  exit 0
}
trap stop INT TERM
# Either process ending on its own ends the other too.
wait -n "$web" "$worker"
status=$?
kill -TERM "$web" "$worker" 2>/dev/null
wait 2>/dev/null
exit "$status"
