# Tự soi — developer commands. `make run` for a local demo, `make test` for the whole suite.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
# The test suite always runs against real PostgreSQL and Redis (this machine's services).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tusoi
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: install run test lint bench messages

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

install: $(VENV)/.installed

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
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest $(PYTEST_ARGS)

# English catalogue: extract, fill from the glossaries (Vietnamese msgid -> English), compile.
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=bench --ignore=tests --ignore=staticfiles
	$(PY) scripts/po_fill.py locale/en/LC_MESSAGES/django.po locale/en/glossary*.json
	$(PY) manage.py compilemessages --ignore=.venv
