# Two commands set up everything on a fresh machine: `make lab` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
LAB_PORT ?= 8888

.PHONY: install chromium postgresql build check lab test lint clean bench

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 is needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,hub]'  # one resolver run for everything make test needs
	touch $@

install: $(BIN)/.installed

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "make: Chromium is missing and cannot be installed without root: run 'sudo apt-get install chromium' (browser tests will be skipped outside CI)"; fi

# Debian's PostgreSQL server programs for the tests that run the course on a real PostgreSQL: each test worker
# starts its own server on loopback in a throw-away folder (tests/support/postgres.py); nothing is started here.
postgresql:
	@if command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else echo "make: PostgreSQL is missing and cannot be installed without root: run 'sudo apt-get install postgresql' (PostgreSQL tests will be skipped outside CI)"; fi

check: install
	$(BIN)/course-tools check

build: install
	$(BIN)/course-tools build

# The nbgrader course lives in course/ (git-ignored); init is safe to rerun. JUPYTER_CONFIG_PATH lets
# formgrader and the Assignments panel find course/nbgrader_config.py.
lab: build
	$(BIN)/course-tools init
	@echo; echo "  Lessons as apps (Voila, same server): http://localhost:$(LAB_PORT)/voila/render/notebooks/00_overview.ipynb"; \
	echo "  (open JupyterLab's link printed below once, so the browser has the token, then the app view)"; \
	echo "  Slides: in a lesson, View > Render as slideshow (jupyterlab-rise). The class pulse needs the hub (make hub)."; echo
	JUPYTER_CONFIG_PATH=$(CURDIR)/course $(BIN)/jupyter lab $(ROOT_FLAG) --port=$(LAB_PORT) --notebook-dir=. \
	  $(foreach x,@jupyter/nbgrader @jupyter-notebook/lab-extension jupyterlab-rise @voila-dashboards/jupyterlab-preview,--VoilaConfiguration.extension_denylist=$(x)) \
	  notebooks/00_overview.ipynb

# Not a test: ours vs stock nbgrader on a synthetic class (N=300; several minutes).
bench: install
	$(BIN)/python benchmarks/lifecycle.py

lint: install
	$(BIN)/ruff check course_tools tests benchmarks deploy

# Two workers (pytest-xdist): one file per worker at a time, the hub tests together (tests/conftest.py).
test: install hub-install chromium postgresql lint
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

clean:
	rm -rf $(VENV) artifacts .pytest_cache

# The class hub (deploy/jupyterhub; README, "A whole class on one server"): JupyterHub from PyPI (extra `hub`,
# installed with everything else) and configurable-http-proxy from npm (deploy/jupyterhub/node_modules, git-ignored). Run as root:
# `make hub` creates the local users, prints the URL and accounts; Ctrl-C stops everything.
HUB_PORT ?= 8000
.PHONY: hub hub-install test-hub

$(BIN)/.hub-installed: $(BIN)/.installed pyproject.toml deploy/jupyterhub/package-lock.json
	npm ci --prefix deploy/jupyterhub --no-audit --no-fund --loglevel=error
	touch $@

hub-install: $(BIN)/.hub-installed

hub: build hub-install
	MOBILIZING_HUB_PORT=$(HUB_PORT) $(BIN)/python deploy/jupyterhub/classhub.py up $(if $(RESET_PASSWORDS),--reset-passwords)

# Real local users on loopback (root; about 2-3 minutes): login, spawn, the Review #6 round trip,
# access checks and the formgrader in Chromium.
test-hub: hub-install chromium
	MOBILIZING_HUB_TESTS=1 $(BIN)/python -m pytest -q tests/hub

.PHONY: bench-rubric
# Rubric grading with 500 submissions: queue, dashboard, save, re-score, report vs stock `nbgrader export`.
bench-rubric: install
	$(BIN)/python -m benchmarks.rubric_scale --students 500
