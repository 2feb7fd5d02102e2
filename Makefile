# The two commands of the README: `make run` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed-stamp
# The browser tests drive Debian's Chromium (Playwright never downloads a browser here).
CHROMIUM ?= /usr/bin/chromium
# axe-core (the accessibility checker the browser tests inject into pages), from the npm registry.
AXE_VERSION = 4.10.3
AXE = .cache/npm/node_modules/axe-core/axe.min.js
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# `make bench` needs the `bench` extra too (gunicorn, psutil, pyinstrument, Playwright).
BENCH_STAMP = $(VENV)/.bench-stamp
$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core

# The deployment kit's checkers (tests/deploy/): `nginx -t` for deploy/nginx/, `systemd-analyze verify` for the units.
NGINX = /usr/sbin/nginx
SYSTEMD_ANALYZE = /usr/bin/systemd-analyze
$(NGINX):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx

$(SYSTEMD_ANALYZE):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq systemd

$(AXE):
	command -v npm >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq npm; }
	npm install --silent --no-audit --no-fund --prefix .cache/npm axe-core@$(AXE_VERSION)

## Start the portal on SQLite with demo content: admin at /admin/, site at /.
run: install
	$(BIN)/portal init
	$(BIN)/portal demo
	$(BIN)/portal build
	$(BIN)/portal serve

## Run the whole test suite, one process per core, and name the slowest tests at the end (the next slow fixture
## is seen there). With TEST_DATABASE_URL set, the modules where the database matters run on PostgreSQL too
## (tests/conftest.py says how to run the whole matrix). PYTEST_ARGS adds options: make test PYTEST_ARGS="-k cases".
PYTEST_ARGS ?=
test: install $(CHROMIUM) $(AXE) $(NGINX) $(SYSTEMD_ANALYZE)
	TEST_CHROMIUM=$(CHROMIUM) TEST_AXE=$(AXE) $(BIN)/pytest -n auto --durations=15 $(PYTEST_ARGS)

## Benchmarks at regional scale (about 10 000 pages; `make bench SCALE=0.25` for a quarter): bench/README.md.
SCALE ?= 1
REPEAT ?= 3
# The admin is measured on PostgreSQL too when this server answers (a database is created and dropped); empty: not.
BENCH_POSTGRESQL ?= postgresql://postgres@127.0.0.1:5432
bench: $(BENCH_STAMP) $(CHROMIUM)
	TEST_CHROMIUM=$(CHROMIUM) $(BIN)/python -m bench.run --scale $(SCALE) --repeat $(REPEAT) \
		--postgresql "$(BENCH_POSTGRESQL)"

clean:
	rm -rf $(VENV) build .pytest_cache
