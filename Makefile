# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_WORKBOOK := okr_data/demo_company_2027.xlsx
DEMO_DB := okr_data/okr.duckdb
PORT ?= 8501
KILL_RUNS ?= 50
# Python keeps its bytecode caches (in __pycache__, git-ignored) even where the environment says not to:
# the packages are installed uncompiled (pip's compiling took half its time) and compiled once on first
# import, and pytest keeps each test module with its asserts rewritten instead of redoing it in every
# test process.
export PYTHONDONTWRITEBYTECODE =

.PHONY: run test check lint format kill-test setup dev-setup demo-db demo-workbook system-packages clean

run: demo-db
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

# The suite runs once with the store tests on both backends, then the tests that store rows through
# the backend (marked postgres) once more on PostgreSQL when a server could be started, beside the
# kill harness (which mostly waits for the moments it kills at: a third of a core). Tests run in one
# process more than there are cores (at most four): a browser test waits for its app and Chromium a
# fifth of its time, and the extra process takes that time up. A test file's tests go to the same
# process so that its module fixtures are built once, the files with the longest tests first
# (tests/conftest.py).
WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); echo $$(( n < 3 ? n + 1 : 4 )))
PYTEST := $(PY) -m pytest -q -n $(WORKERS) --dist loadfile --no-loadscope-reorder
KILL_LOG := .pytest_cache/kill_harness.out
test: dev-setup demo-db system-packages
	@url=$$(bash tests/postgres_server.sh) || exit 1; \
	OKR_TEST_POSTGRES=$$url $(PYTEST) || exit 1; \
	mkdir -p $(dir $(KILL_LOG)); $(PY) tests/kill_harness.py --runs $(KILL_RUNS) > $(KILL_LOG) 2>&1 & harness=$$!; \
	postgres=0; [ -z "$$url" ] || OKR_TEST_POSTGRES=$$url OKR_TEST_BACKEND=postgres $(PYTEST) -m "postgres and not browser" || postgres=1; \
	wait $$harness; killed=$$?; echo "kill harness:"; cat $(KILL_LOG); \
	[ $$postgres = 0 ] && [ $$killed = 0 ]

# The fast tier, before a commit: the linter, then every test but the browser, PostgreSQL and slow ones.
check: dev-setup demo-db lint
	$(PYTEST) -m "not browser and not slow"

lint: dev-setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: dev-setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# An ingest SIGKILLed at random moments leaves the database as before or as after, never in between
# (about a minute and a half for 50 runs; prints a JSON summary, exits 1 on a torn database).
kill-test: dev-setup
	$(PY) tests/kill_harness.py --runs $(KILL_RUNS)

# The app's packages (make run); the tests' on top of them (make test, make check).
setup: $(VENV)/.installed
dev-setup: $(VENV)/.installed-dev

PIP_INSTALL := $(PY) -m pip install --quiet --no-compile --only-binary :all:
$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements.txt
	touch $@

# One pip run for both files (requirements-dev.txt includes requirements.txt): one resolution, not two.
$(VENV)/.installed-dev: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $(VENV)/.installed $@

# The demo database is built from the committed demo workbook when it is absent.
demo-db: setup
	@test -f $(DEMO_DB) || $(PY) -m loaders ingest $(DEMO_WORKBOOK) --db $(DEMO_DB)

# Regenerates the committed demo workbook from its seeded script.
demo-workbook: setup
	$(PY) okr_data/make_demo.py

# Browser tests drive Debian's chromium (with an emoji font, as people's browsers have: status
# badges use them) and the shared-deployment tests a PostgreSQL server;
# install them when missing and we may (as root with apt-get, as on CI).
system-packages:
	@missing=""; command -v chromium >/dev/null 2>&1 || missing="chromium fonts-noto-color-emoji"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else echo "not installed: $$missing (the tests that need it will be skipped)"; fi; \
	fi

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB).wal .pytest_cache
