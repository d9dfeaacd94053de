#!/usr/bin/env bash
# `make load-test`: wrk against gunicorn (production settings) on PostgreSQL, loopback only,
# bounded in time. Reports p50/p99 and errors; exits non-zero on any error.
#
#   CONNECTIONS=64 DURATION=60 WRK_THREADS=2 WRK_TIMEOUT=10 scripts/load_test.sh
#
# DATABASE_URL defaults to a database this script creates on the local server (it migrates
# and seeds it); REDIS_URL, when set, turns the response cache on. gunicorn runs as
# `make serve-production` runs it: WEB_CONCURRENCY (2) workers x WEB_THREADS (4) threads.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
CONNECTIONS="${CONNECTIONS:-64}"
DURATION="${DURATION:-60}"
WRK_THREADS="${WRK_THREADS:-2}"
WRK_TIMEOUT="${WRK_TIMEOUT:-10}"

export DJANGO_SETTINGS_MODULE=settings.production
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cms_load_test}"
export ALLOWED_HOSTS="127.0.0.1"
export SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0 LOG_LEVEL="${LOG_LEVEL:-WARNING}"
export VAR_DIR="${VAR_DIR:-$PWD/var/load-test}"
export SECRET_KEY="${SECRET_KEY:-$($PY -c 'import secrets; print(secrets.token_urlsafe(64))')}"

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== wrk is missing: installing Debian's package"
    apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
  fi
  command -v wrk >/dev/null 2>&1 || { echo "wrk is required (apt-get install wrk)" >&2; exit 2; }
fi

echo "== database: ${DATABASE_URL%%\?*}"
$PY - "${DATABASE_URL%/*}/postgres" "${DATABASE_URL##*/}" <<'PYCODE'
import sys
import psycopg
from psycopg import sql
with psycopg.connect(sys.argv[1], autocommit=True, connect_timeout=5) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (sys.argv[2],)).fetchone():
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(sys.argv[2])))
PYCODE
$PY manage.py migrate --noinput -v0
$PY manage.py load_seed -v0
$PY manage.py collectstatic --noinput -v0

PORT="$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
LOG="$VAR_DIR/gunicorn.log"
.venv/bin/gunicorn cms.wsgi:application --bind "127.0.0.1:$PORT" \
  --workers "${WEB_CONCURRENCY:-2}" --threads "${WEB_THREADS:-4}" --timeout 30 \
  --graceful-timeout 10 --log-level warning >"$LOG" 2>&1 &
GUNICORN_PID=$!
trap 'kill "$GUNICORN_PID" 2>/dev/null; wait "$GUNICORN_PID" 2>/dev/null || true' EXIT

# The paths: the hub, a case study, a listing with every field, a find (302), reference data.
PATHS="$($PY - "$BASE" <<'PYCODE'
import json, sys, time, urllib.error, urllib.request
base = sys.argv[1]
def get(path):
    with urllib.request.urlopen(base + path, timeout=30) as answer:
        return json.load(answer)
for _ in range(120):
    try:
        get("/api/health/")
        break
    except (OSError, urllib.error.HTTPError):
        time.sleep(0.5)
hub = get("/api/v2/pages/?type=pages.HubPage&locale=en")["items"][0]["id"]
case_study = get("/api/v2/pages/?type=pages.CaseStudyPage&locale=en&limit=1")["items"][0]["id"]
city = get("/api/v2/partner-cities/?limit=1")["items"][0]["id"]
paths = [
    f"/api/v2/pages/{hub}/",
    f"/api/v2/pages/{case_study}/",
    "/api/v2/pages/?type=pages.CaseStudyPage&fields=*",
    "/api/v2/pages/find/?html_path=/lille/",
    "/api/v2/partner-cities/",
    f"/api/v2/partner-cities/{city}/",
    "/api/v2/networks/",
    "/api/v2/images/",
]
for path in paths:  # warm both workers' first requests and any renditions
    urllib.request.urlopen(base + path, timeout=60).read()
print(" ".join(paths))
PYCODE
)"
export LOAD_TEST_PATHS="$PATHS"

read -r load1 load5 load15 _ </proc/loadavg
echo "== wrk: $CONNECTIONS connections, ${DURATION}s, $WRK_THREADS threads, timeout ${WRK_TIMEOUT}s, against $BASE"
echo "   paths: $PATHS"
echo "   load average before: $load1 $load5 $load15 on $(nproc) CPUs"
OUT="$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout "${WRK_TIMEOUT}s" --latency \
  -s scripts/load_test.lua "$BASE")"
echo "$OUT"
read -r load1 load5 load15 _ </proc/loadavg
echo "   load average after: $load1 $load5 $load15"

summary="$(grep '^LOAD_TEST ' <<<"$OUT")"
errors=0
for key in errors_status errors_connect errors_read errors_write errors_timeout; do
  value="$(grep -o "$key=[0-9]*" <<<"$summary" | cut -d= -f2)"
  errors=$((errors + value))
done
p50="$(grep -o 'p50_ms=[0-9.]*' <<<"$summary" | cut -d= -f2)"
p99="$(grep -o 'p99_ms=[0-9.]*' <<<"$summary" | cut -d= -f2)"
rps="$(grep -o 'rps=[0-9.]*' <<<"$summary" | cut -d= -f2)"
echo "== result: ${rps} req/s, p50 ${p50} ms, p99 ${p99} ms, errors ${errors}"
if [ "$errors" -ne 0 ]; then
  echo "!! $errors errors (non-2xx/3xx answers, connect/read/write errors or timeouts); gunicorn log: $LOG" >&2
  tail -20 "$LOG" >&2
  exit 1
fi
