# One command per chore; CI runs exactly these.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .uv/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: setup run test test-fast bench bench-scale load-test lint format serve-production clean

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# Creates .venv with exactly the locked dependencies (idempotent).
setup: $(UV)
	UV_PYTHON="$$(command -v $(PYTHON))" UV_PYTHON_DOWNLOADS=never $(UV) sync --frozen --quiet

# Serves the seeded site on 127.0.0.1:$${PORT:-8000} until interrupted.
run: setup
	bin/run

# The whole suite (DATABASE_URL / REDIS_URL switch it to PostgreSQL / Redis).
test: setup
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

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# gunicorn + WhiteNoise + production settings, on PostgreSQL (see scripts/serve_production.sh).
serve-production: setup
	scripts/serve_production.sh

clean:
	rm -rf $(VENV) .uv var/test-media
