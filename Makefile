# The two commands: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test venv lock migrate demo bench lint backup restore-drill worker beat clean

# Installs exactly what requirements/dev.txt pins (with hashes), then the project itself without deps.
$(STAMP): pyproject.toml requirements/dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

# After changing dependencies in pyproject.toml: pin them (with hashes) for every supported Python.
lock: venv
	$(VENV)/bin/uv pip compile pyproject.toml --generate-hashes --universal --python-version 3.11 -q -o requirements/main.txt
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --universal --python-version 3.11 -q -o requirements/dev.txt

migrate: venv
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput

demo: migrate
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo --if-empty

run: demo
	DJANGO_DEBUG=1 $(PY) manage.py demo_logins
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: venv
	$(VENV)/bin/pytest -q -n auto $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_DEBUG=1 $(VENV)/bin/mypy

# Speed goals live here, never in timed tests. Both benchmarks need PostgreSQL; they build their data
# once in their own databases and reuse it on later runs (--keepdb / gr_bench).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sendcase_bench
# The 20-school trust (7.8 million marks) takes minutes to build, so it lives in its own database.
BENCH_NIGHTLY_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/gr_bench
# Letter batches (200 letters rendered, 1,000 merged) keep their school in a database of their own.
BENCH_LETTERS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/letters_bench
bench: venv
	DJANGO_SECRET_KEY=bench DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_attendance --keepdb
	DJANGO_SECRET_KEY=bench DATABASE_URL=$(BENCH_NIGHTLY_DATABASE_URL) $(PY) manage.py bench_nightly $(BENCH_NIGHTLY_ARGS)
	DJANGO_SECRET_KEY=bench DATABASE_URL=$(BENCH_LETTERS_DATABASE_URL) $(PY) manage.py bench_letters --keepdb

worker: venv
	$(VENV)/bin/celery -A config worker -l info

beat: venv
	$(VENV)/bin/celery -A config beat -l info

# PostgreSQL only: a custom-format dump of DATABASE_URL into backups/, with the row counts at that moment.
backup: venv
	$(PY) manage.py backup_database --to backups

# Restores the newest dump into a scratch database and compares its row counts with the backup's.
restore-drill: venv
	$(PY) manage.py restore_drill --from backups

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
