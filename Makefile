# Qiaolian: two commands on a fresh machine — `make run` and `make test`.
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate seed lint bench vendor messages clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed --scale article

run: seed
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py demo_logins
	@echo "Qiaolian: http://$(HOST):$(PORT)/   (Ctrl-C stops the web server and the worker)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(PY) manage.py worker & \
	  $(VENV)/bin/gunicorn qiaolian.wsgi --bind $(HOST):$(PORT) --workers 2 --access-logfile - ; \
	  wait

test: $(STAMP)
	$(VENV)/bin/pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy qiaolian/core

# Benchmarks on a throw-away SQLite file, then on PostgreSQL when it is reachable.
bench: $(STAMP)
	$(PY) -m bench
	@if pg_isready -h 127.0.0.1 -q 2>/dev/null; then \
	  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS qiaolian_bench" -c "CREATE DATABASE qiaolian_bench" 2>/dev/null && \
	  BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/qiaolian_bench $(PY) -m bench; \
	fi

vendor:
	bash scripts/vendor_static.sh

# Translations: the compiled .mo files are committed, so users need no gettext tools.
messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=bench --ignore=tests --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3* staticfiles media
