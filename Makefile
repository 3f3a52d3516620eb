# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-sqlite test-postgres bench install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/plp demo

# The whole suite twice: on SQLite files, then on a throwaway PostgreSQL cluster
# that the tests start themselves (tests/pg.py). The browser tests (tests/web) drive
# Debian's chromium, which ensure-chromium.sh installs when it is missing.
test: $(STAMP)
	bash tests/ensure-postgres.sh
	bash tests/ensure-chromium.sh
	$(BIN)/python -m pytest
	PLP_TEST_BACKEND=postgresql $(BIN)/python -m pytest

test-sqlite: $(STAMP)
	bash tests/ensure-chromium.sh
	$(BIN)/python -m pytest

test-postgres: $(STAMP)
	bash tests/ensure-postgres.sh
	bash tests/ensure-chromium.sh
	PLP_TEST_BACKEND=postgresql $(BIN)/python -m pytest

clean:
	rm -rf $(VENV) plp-demo.db plp-demo.db-wal plp-demo.db-shm plp-demo

# Benchmarks: medians against floors, saved to bench/results.md (not part of the tests).
# The web part serves plp with `plp serve` and loads it with wrk (bench/web.py);
# `make bench-web` runs only that part and keeps the other rows of bench/results.md.
bench: $(STAMP)
	bash tests/ensure-postgres.sh
	bash bench/ensure-wrk.sh
	$(BIN)/python -m bench.run

.PHONY: bench-web
bench-web: $(STAMP)
	bash tests/ensure-postgres.sh
	bash bench/ensure-wrk.sh
	$(BIN)/python -m bench.run --only web

# The web on the demo database (made first when it is missing): http://127.0.0.1:8000/
.PHONY: serve
serve: $(STAMP)
	test -f plp-demo.db || $(BIN)/plp demo
	$(BIN)/plp --db plp-demo.db serve
