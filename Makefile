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

# plp's own modules as bytecode, as pip writes it for an installed package: with the
# editable install (and PYTHONDONTWRITEBYTECODE set, as in some shells and CI images)
# every `plp` would otherwise compile its modules from source at each start. Cheap when
# nothing changed; run before the tests and the bench so they time what a user runs.
.PHONY: bytecode
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q plp

install: $(STAMP)

demo: $(STAMP) bytecode
	$(BIN)/plp demo

# The whole suite twice: on SQLite files and on a throwaway PostgreSQL cluster that the
# tests start themselves (tests/pg.py), side by side, each spread over PYTEST_WORKERS
# pytest-xdist workers (one file per worker at a time, so a module's fixtures are built
# once; the longest files first, in the order tests/conftest.py gives them, not by their
# number of tests). Tests marked no_database never open the backend under test, so only
# the SQLite run has them. Each run prints its report when it ends; `make test` fails
# when either fails.
# The browser tests (tests/web) drive Debian's chromium, which ensure-chromium.sh
# installs when it is missing.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL = -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder

test: $(STAMP) bytecode
	bash tests/ensure-postgres.sh
	bash tests/ensure-chromium.sh
	@echo "Running the suite on SQLite and on PostgreSQL side by side; each report follows when its run ends."
	$(MAKE) --no-print-directory -j2 --output-sync=target pytest-sqlite pytest-postgres

test-sqlite: $(STAMP) bytecode
	bash tests/ensure-chromium.sh
	$(MAKE) --no-print-directory pytest-sqlite

test-postgres: $(STAMP) bytecode
	bash tests/ensure-postgres.sh
	bash tests/ensure-chromium.sh
	$(MAKE) --no-print-directory pytest-postgres

# The runs alone, without the installs (what `make test` runs in parallel).
.PHONY: pytest-sqlite pytest-postgres
pytest-sqlite: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)

pytest-postgres: $(STAMP)
	PLP_TEST_BACKEND=postgresql $(BIN)/python -m pytest $(PYTEST_PARALLEL)

clean:
	rm -rf $(VENV) plp-demo.db plp-demo.db-wal plp-demo.db-shm plp-demo

# Benchmarks: medians against floors, saved to bench/results.md (not part of the tests).
# The web part serves plp with `plp serve` and loads it with wrk (bench/web.py);
# `make bench-web` runs only that part and keeps the other rows of bench/results.md.
bench: $(STAMP) bytecode
	bash tests/ensure-postgres.sh
	bash bench/ensure-wrk.sh
	$(BIN)/python -m bench.run

.PHONY: bench-web
bench-web: $(STAMP) bytecode
	bash tests/ensure-postgres.sh
	bash bench/ensure-wrk.sh
	$(BIN)/python -m bench.run --only web

# The web on the demo database (made first when it is missing): http://127.0.0.1:8000/
.PHONY: serve
serve: $(STAMP)
	test -f plp-demo.db || $(BIN)/plp demo
	$(BIN)/plp --db plp-demo.db serve
