# One command per chore; CI runs exactly these.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .uv/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: setup run test test-fast bench bench-scale load-test lint lint-frontend types frontend-deps format serve-production clean

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# Creates .venv with exactly the locked dependencies (idempotent).
setup: $(UV)
	UV_PYTHON="$$(command -v $(PYTHON))" UV_PYTHON_DOWNLOADS=never $(UV) sync --frozen --quiet

# Serves the seeded site on 127.0.0.1:$${PORT:-8000} until interrupted.
run: setup
	bin/run

# The front end's type-checking tools (openapi-typescript, tsc) from frontend/package-lock.json,
# where node and npm exist; without them, says so loudly and goes on.
frontend-deps:
	@if command -v npm >/dev/null 2>&1; then \
	  if [ ! -d frontend/node_modules ] || [ frontend/package-lock.json -nt frontend/node_modules ]; then \
	    (cd frontend && npm ci --no-audit --no-fund --loglevel=error) && touch frontend/node_modules; \
	  fi; \
	else echo "!!!!!!!! SKIPPED: no node/npm: the front end's types and tsc are not checked !!!!!!!!"; fi

# The whole suite (DATABASE_URL / REDIS_URL switch it to PostgreSQL / Redis).
test: setup frontend-deps
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: setup
	$(PY) -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

bench: setup
	$(PY) bench/run.py $(BENCH_ARGS)

# Latency at the seed's size vs 20,000 pages (docs/benchmarks.md, "Scale").
bench-scale: setup
	$(PY) bench/run.py --scale $(BENCH_ARGS)

# wrk, 64 clients for 60 s against gunicorn + PostgreSQL on loopback; fails on any error
# (CONNECTIONS, DURATION, WRK_THREADS, WRK_TIMEOUT, DATABASE_URL: see scripts/load_test.sh).
load-test: setup
	scripts/load_test.sh

lint: setup frontend-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory lint-frontend; \
	else echo "!!!!!!!! SKIPPED: no node/npm: frontend/types/api.d.ts and tsc over frontend/app.js not checked !!!!!!!!"; fi

# frontend/types/api.d.ts must be what openapi-typescript makes of the current document, and
# frontend/app.js must type-check against it.
lint-frontend: setup frontend-deps
	$(PY) manage.py openapi_document --output var/openapi.json
	node frontend/validate-openapi.cjs var/openapi.json
	frontend/node_modules/.bin/openapi-typescript var/openapi.json --output var/api.d.ts --silent
	@diff -u frontend/types/api.d.ts var/api.d.ts \
	  || (echo "frontend/types/api.d.ts is out of date with /api/v2/openapi.json: run make types and commit it"; exit 1)
	cd frontend && node_modules/.bin/tsc --noEmit -p tsconfig.json

# Regenerates frontend/types/api.d.ts from the API's OpenAPI document (commit the result).
types: setup frontend-deps
	$(PY) manage.py openapi_document --output var/openapi.json
	frontend/node_modules/.bin/openapi-typescript var/openapi.json --output frontend/types/api.d.ts

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# gunicorn + WhiteNoise + production settings, on PostgreSQL (see scripts/serve_production.sh).
serve-production: setup
	scripts/serve_production.sh

clean:
	rm -rf $(VENV) .uv var/test-media-* frontend/node_modules
