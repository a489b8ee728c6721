# Home-Start portal. `make run` and `make test` work on a machine with only Python 3.11
# and make: they create .venv and install the locked dependencies first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
STAMP := $(VENV)/.installed-pyc-$(shell cat requirements-dev.txt requirements-bootstrap.txt | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=
ADDR ?= 127.0.0.1:8000

.PHONY: run test setup install lint format lock messages demo-code bench clean

# Absolute links (e-mails, feeds, sitemap) follow ADDR unless WAGTAILADMIN_BASE_URL is set.
run: export PORTAL_ADDR := $(ADDR)
run: setup
	$(PY) manage.py demo_content --if-empty
	$(PY) manage.py set_site_address
	$(PY) manage.py run_portal $(ADDR)

# Three workers on two cores: one takes every test that starts a real django-q2 cluster,
# which mostly wait for the cluster; the other two keep the cores busy (tests/conftest.py).
test: install
	$(PY) -m pytest -n 3 --dist loadgroup $(PYTEST_ARGS)

install: $(STAMP)

# --compile-bytecode: pip writes .pyc files when it installs, uv only when asked. Without
# them a machine with PYTHONDONTWRITEBYTECODE set (CI) compiled 2,500 modules again in
# every process it started (test workers, task clusters, manage.py): 2 s each.
$(STAMP): requirements-dev.txt requirements-bootstrap.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-bootstrap.txt
	$(UV) pip sync --quiet --compile-bytecode --python $(PY) --require-hashes requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check templates

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djhtml templates

# Re-lock after editing requirements*.in: same versions on every machine, with hashes.
lock: install
	$(UV) pip compile --quiet --generate-hashes --python-version 3.11.7 requirements.in -o requirements.txt
	$(UV) pip compile --quiet --generate-hashes --python-version 3.11.7 requirements-dev.in -o requirements-dev.txt
	$(UV) pip compile --quiet --generate-hashes --python-version 3.11.7 requirements-bootstrap.in -o requirements-bootstrap.txt

# Dutch is the source language; this refreshes every part's English catalogue (needs
# GNU gettext). Which strings go to which part's catalogue: portal/catalogues.py.
messages: install
	$(PY) manage.py makemessages --locale en --no-obsolete
	$(PY) manage.py compilemessages --ignore '.venv/*'

demo-code: install
	@$(PY) manage.py demo_totp_code

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
