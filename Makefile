# Set-up and everyday commands. `make demo` and `make test` do all the set-up themselves:
# a virtual environment in .venv, the package installed editable (which builds the JS
# with npm), and for the tests a Chromium that Playwright can drive.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.tokenheat-installed
# The adapters' tests run on the real libraries. torch's CPU build: on this kind of machine
# pip takes it from a local wheel; elsewhere PyPI's torch==2.13.0 is a CUDA build of some
# GB (it works on the CPU all the same). Pinned in every pip call, so that no later
# install swaps it for another build.
TORCH ?= torch==2.13.0
ADAPTERS := $(VENV)/.tokenheat-adapters
# TransformerLens needs a typeguard that inseq's pin excludes: its tests get their own venv.
VENV_TL ?= .venv-tl
TL_PY := $(VENV_TL)/bin/python
TL_STAMP := $(VENV_TL)/.tokenheat-installed
BUNDLE := src/tokenheat/static/widget.js
JS_SOURCES := $(wildcard js/*.js js/*/*.js js/*.css) package.json package-lock.json

.PHONY: demo test test-unit test-browser lint bench js clean

# JupyterLab refuses to run as root unless told; containers and CI machines often are root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

demo: $(STAMP) $(BUNDLE)
	$(PY) -m jupyter lab $(ALLOW_ROOT) notebooks/quickstart.ipynb

test: $(STAMP) $(ADAPTERS) $(TL_STAMP) $(BUNDLE)
	scripts/ensure-browser.sh $(PY)
	npm run typecheck
	npm test
	npm run format:check
	$(PY) -m ruff check src tests benchmarks tools
	$(PY) -m ruff format --check src tests benchmarks tools
	$(PY) -m pytest -m "not transformer_lens"
	$(TL_PY) -m pytest -m transformer_lens tests/adapters

test-unit: $(STAMP) $(BUNDLE)
	$(PY) -m pytest -m "not browser and not transformer_lens"

test-browser: $(STAMP) $(BUNDLE)
	scripts/ensure-browser.sh $(PY)
	$(PY) -m pytest -m browser

bench: $(STAMP) $(BUNDLE)
	scripts/ensure-browser.sh $(PY)
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) benchmarks/time_to_visible.py
	$(PY) benchmarks/frames.py
	$(PY) benchmarks/grid_time_to_visible.py
	$(PY) benchmarks/memory.py

js: $(BUNDLE)

$(STAMP): pyproject.toml
	scripts/check-prerequisites.sh $(PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

$(ADAPTERS): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet "$(TORCH)"
	$(PY) -m pip install --quiet -e ".[test,adapters-test]" "$(TORCH)"
	touch $@

$(TL_STAMP): pyproject.toml
	scripts/check-prerequisites.sh $(PYTHON)
	$(PYTHON) -m venv $(VENV_TL)
	$(TL_PY) -m pip install --quiet --upgrade pip
	$(TL_PY) -m pip install --quiet "$(TORCH)"
	$(TL_PY) -m pip install --quiet -e ".[transformer-lens-test]" "$(TORCH)"
	touch $@

# The editable install builds the bundle once; rebuild when the JS sources change.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(BUNDLE): $(JS_SOURCES) node_modules/.package-lock.json
	npm run build

clean:
	rm -rf $(VENV) $(VENV_TL) node_modules src/tokenheat/static build dist
