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
"$VENV/bin/gunicorn" qiaolian.wsgi --bind "$HOST:$PORT" --workers "${WEB_WORKERS:-2}" \
  --access-logfile - &
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
