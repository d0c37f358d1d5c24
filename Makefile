# Qiaolian: two commands on a fresh machine — `make run` and `make test`.
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run dev keys test install migrate seed lint bench vendor messages clean

# `make run` serves with production settings (DEBUG off) and the demo data; `make dev` is the
# explicit opt-in to development mode. Both read this installation's keys from .env.local.
LOCAL_ENV = set -a; . ./.env.local; set +a;
RUN_ENV = $(LOCAL_ENV) export DEBUG=$${DEBUG:-0} DEMO_DATA_ALLOWED=$${DEMO_DATA_ALLOWED:-1} \
	SECURE_TRANSPORT=$${SECURE_TRANSPORT:-0};

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

keys: $(STAMP)
	@PY=$(PY) bash scripts/local_keys.sh

migrate: keys
	@$(RUN_ENV) $(PY) manage.py migrate --noinput
	@$(RUN_ENV) $(PY) manage.py createcachetable

seed: migrate
	@$(RUN_ENV) $(PY) manage.py seed --scale article

run: seed
	@$(RUN_ENV) $(PY) manage.py collectstatic --noinput -v 0
	@$(RUN_ENV) $(PY) manage.py demo_logins
	@echo "Qiaolian: http://$(HOST):$(PORT)/   (Ctrl-C stops the web server and the worker)"
	@$(RUN_ENV) HOST=$(HOST) PORT=$(PORT) exec bash scripts/serve.sh

dev: seed
	@echo "Qiaolian (development mode, DEBUG on): http://$(HOST):$(PORT)/"
	@$(LOCAL_ENV) export DEBUG=1; $(PY) manage.py worker & \
	  $(LOCAL_ENV) DEBUG=1 exec $(PY) manage.py runserver $(HOST):$(PORT)

# `make test COVERAGE=1` runs the same suite under coverage (what .ci/run's SQLite pass does).
test: $(STAMP)
	$(if $(COVERAGE),$(VENV)/bin/coverage erase && $(VENV)/bin/coverage run -m pytest,$(VENV)/bin/pytest) -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy qiaolian/core
	$(VENV)/bin/lint-imports --no-logo

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
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=bench --ignore=tests --no-obsolete --no-location
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3* staticfiles media
