# Tự soi — developer commands. `make run` for a local demo, `make test` for the whole suite.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
# The test suite always runs against real PostgreSQL and Redis (this machine's services).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tusoi
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# pytest-xdist processes (each test process has its own database and Celery queue).
TEST_WORKERS ?= 2
# Production smoke and backup/restore round trip: databases they may drop and create.
SMOKE_DATABASE_URL ?= $(TEST_DATABASE_URL)_smoke
SMOKE_REDIS_URL ?= $(TEST_REDIS_URL)
SMOKE_PORT ?= 8130
BACKUP_DATABASE_URL ?= $(TEST_DATABASE_URL)_backup

.PHONY: install run test lint bench messages smoke backup-check mutate

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

install: $(VENV)/.installed

# `make run` is the development server: DEBUG on unless the caller says otherwise (the settings refuse
# their development SECRET_KEY when DEBUG is off). Tests and the migrations check use a test-only key.
run: export DEBUG ?= True
test messages: export SECRET_KEY ?= tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-TUSOI

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_schedules
	$(PY) manage.py seed_demo --members 2000 --if-empty
	@echo ""
	@echo "Tự soi: http://127.0.0.1:$(PORT)/  (demo password: tusoi2026; logins: admin, bithu, dangvien, bithucs, dangbo, xauy, ubkt, tinhuy, ubkttinh)"
	@if [ -n "$$REDIS_URL" ]; then \
		echo "Starting Celery worker and beat against $$REDIS_URL"; \
		$(VENV)/bin/celery -A config worker --beat -l info --concurrency 2 -Q celery,rollups,notifications,imports,exports & \
		trap 'kill %1' EXIT INT TERM; \
		$(PY) manage.py runserver 127.0.0.1:$(PORT); \
	else \
		echo "No REDIS_URL: tasks run in-process (embedded default)."; \
		$(PY) manage.py runserver 127.0.0.1:$(PORT); \
	fi

lint: install
	$(VENV)/bin/ruff check .

test: install
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	@# The whole suite (no PYTEST_ARGS) also runs the production smoke and the backup round trip.
	@if [ -z "$(PYTEST_ARGS)" ] || [ -n "$(WITH_SMOKE)" ]; then $(MAKE) --no-print-directory smoke backup-check; fi
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# What the Docker image does (scripts/entrypoint.sh), without Docker: gunicorn, worker, beat, relay + Chromium.
smoke: install
	SMOKE_DATABASE_URL=$(SMOKE_DATABASE_URL) SMOKE_REDIS_URL=$(SMOKE_REDIS_URL) SMOKE_PORT=$(SMOKE_PORT) \
		VENV=$(abspath $(VENV)) scripts/prod_smoke.sh

# pg_dump -Fc → pg_restore into a new database → verify_rollups (README "Operating").
backup-check: install
	BACKUP_DATABASE_URL=$(BACKUP_DATABASE_URL) VENV=$(abspath $(VENV)) scripts/backup_restore_check.sh

# English catalogue: extract, fill from the glossaries (Vietnamese msgid -> English), compile.
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=bench --ignore=tests --ignore=staticfiles
	$(PY) scripts/po_fill.py locale/en/LC_MESSAGES/django.po locale/en/glossary*.json
	$(PY) manage.py compilemessages --ignore=.venv

# Mutation testing of the rule engine ([tool.mutmut] in pyproject.toml): reviews/rules.py, killed by
# the pure rule tests (no database), 2 workers, about 5 minutes. Prints the score per file and the
# survivors; `$(VENV)/bin/mutmut show <name>` shows one mutant's diff.
MUTATE_JOBS ?= 2
mutate: install
	rm -rf mutants
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/mutmut run --max-children $(MUTATE_JOBS) "reviews.rules*" || true
	$(PY) scripts/mutmut_score.py
