# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_WORKBOOK := okr_data/demo_company_2027.xlsx
DEMO_DB := okr_data/okr.duckdb
PORT ?= 8501

.PHONY: run test setup demo-db demo-workbook browser clean

run: demo-db
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

test: demo-db browser
	$(PY) -m pytest -q

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# The demo database is built from the committed demo workbook when it is absent.
demo-db: setup
	@test -f $(DEMO_DB) || $(PY) -m loaders ingest $(DEMO_WORKBOOK) --db $(DEMO_DB)

# Regenerates the committed demo workbook from its seeded script.
demo-workbook: setup
	$(PY) okr_data/make_demo.py

# Browser tests drive Debian's chromium; install it when missing and we may.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
		echo "chromium not installed: browser tests will be skipped"; }

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB).wal .pytest_cache
