# The two commands of the README: `make run` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed-stamp
# The browser tests drive Debian's Chromium (Playwright never downloads a browser here).
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

## Start the portal on SQLite with demo content: admin at /admin/, site at /.
run: install
	$(BIN)/portal init
	$(BIN)/portal demo
	$(BIN)/portal build
	$(BIN)/portal serve

## Run the whole test suite (and on PostgreSQL too when TEST_DATABASE_URL is set).
test: install $(CHROMIUM)
	TEST_CHROMIUM=$(CHROMIUM) $(BIN)/pytest

clean:
	rm -rf $(VENV) build .pytest_cache
