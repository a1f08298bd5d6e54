# cogov build: a virtualenv in .venv, created with a Python >= 3.12 found by
# tools/find_python.sh (override with `make PYTHON=/path/to/python3.12 ...`).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

export SOLARA_TELEMETRY_MIXPANEL_ENABLE := False

# Explicit interpreter override; empty means "search" (see tools/find_python.sh)
PYTHON ?=

VENV := .venv
VENV_PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
ASSETS_STAMP := $(VENV)/.solara-assets

CHROMIUM ?= /usr/bin/chromium

# The main job: every bundled scenario over SEEDS replications (experiments/reforms.toml),
# its table printed, then the report (figures and tables) written into OUT.
SEEDS ?= 5
OUT ?= results/reforms

PYTEST_ARGS ?=

.PHONY: run test paper calibrate dashboard lint chromium solara-assets clean

run: $(RUN_STAMP)
	$(VENV)/bin/cogov sweep experiments/reforms.toml --replications $(SEEDS) --out $(OUT) --fresh
	$(VENV)/bin/cogov report $(OUT)

# docs/paper.md: every experiment of experiments/paper.toml (resumed from results/paper), the
# calibration, then the paper's generated tables and figures (docs/paper/). About 80 minutes
# on two cores; a rerun with nothing changed only redraws.
paper: $(RUN_STAMP)
	$(VENV)/bin/cogov paper experiments/paper.toml

# The calibration alone (experiments/calibration.toml) into results/calibration.
calibrate: $(RUN_STAMP)
	$(VENV)/bin/cogov calibrate experiments/calibration.toml --out results/calibration

# The policymakers' dashboard on http://127.0.0.1:8765/ (PORT=..., HOST=0.0.0.0 to serve others)
PORT ?= 8765
HOST ?= 127.0.0.1
DASHBOARD_STAMP := $(VENV)/.installed-dashboard

dashboard: $(DASHBOARD_STAMP) solara-assets
	$(VENV)/bin/cogov dashboard --host $(HOST) --port $(PORT)

$(DASHBOARD_STAMP): pyproject.toml | $(VENV_PY)
	$(VENV_PY) -m pip install --upgrade pip
	$(VENV_PY) -m pip install -e ".[sweep,dashboard]"
	touch $@

# solara-assets comes after the test install (prerequisites are made left to right):
# the dashboard extra is what installs solara.
test: $(TEST_STAMP) chromium solara-assets
	$(VENV)/bin/ruff check .
	$(VENV)/bin/python -m pytest -n 2 --timeout 900 $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check .

# The virtualenv itself. An existing .venv is kept if its Python is new enough.
$(VENV_PY):
	@py="$$(PYTHON='$(PYTHON)' bash tools/find_python.sh)"; \
	echo "creating $(VENV) with $$py"; \
	"$$py" -m venv $(VENV)
	@$(VENV_PY) -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null || { \
		echo "$(VENV) has Python $$($(VENV_PY) -V 2>&1); cogov needs Python >= 3.12:" \
			"run 'make clean' and try again (PYTHON=/path/to/python3.12 to choose)" >&2; \
		exit 1; }

$(RUN_STAMP): pyproject.toml | $(VENV_PY)
	$(VENV_PY) -m pip install --upgrade pip
	$(VENV_PY) -m pip install -e ".[sweep]"
	touch $@

$(TEST_STAMP): pyproject.toml | $(VENV_PY)
	$(VENV_PY) -m pip install --upgrade pip
	$(VENV_PY) -m pip install -e ".[test]"
	touch $@

# Browser tests use the system chromium (never `playwright install`); a CJK font lets the
# browser and the charts draw the dashboard's Chinese labels.
CJK_FONT ?= /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
SYSTEM_PACKAGES := chromium fonts-wqy-zenhei

chromium:
	@if [ -x "$(CHROMIUM)" ] && [ -f "$(CJK_FONT)" ]; then \
		echo "chromium: $(CHROMIUM) and a CJK font present"; exit 0; fi; \
	if [ "$$(id -u)" -eq 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; \
	else \
		echo "chromium or the CJK font is missing and this is not root; run as root:" >&2; \
		echo "  DEBIAN_FRONTEND=noninteractive apt-get update &&" \
			"DEBIAN_FRONTEND=noninteractive apt-get install -y $(SYSTEM_PACKAGES)" >&2; \
		exit 1; \
	fi; \
	set -x; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y $(SYSTEM_PACKAGES)

# Solara's JS/CSS from the npm registry into Solara's CDN cache, so dashboards work offline.
# Needs only the venv's python with solara installed (the dashboard extra); re-run when a
# test install (which may change the solara version) is newer than the stamp.
solara-assets: $(ASSETS_STAMP)

$(ASSETS_STAMP): tools/solara_assets.py $(wildcard $(TEST_STAMP) $(DASHBOARD_STAMP)) | $(VENV_PY)
	$(VENV_PY) tools/solara_assets.py
	touch $@

clean:
	rm -rf $(VENV) results build dist benchmarks/out .pytest_cache .ruff_cache .hypothesis
	rm -rf *.egg-info
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
