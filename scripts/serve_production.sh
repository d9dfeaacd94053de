#!/usr/bin/env bash
# gunicorn + WhiteNoise + production settings on PostgreSQL, locally (make serve-production).
# DATABASE_URL defaults to a database this script creates on the local server.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=settings.production
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cms_production}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
# Local plain-http run: no TLS redirect, no HSTS (a real deployment sets these behind its proxy).
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-false}"
export SECURE_HSTS_SECONDS="${SECURE_HSTS_SECONDS:-0}"
if [ -z "${SECRET_KEY:-}" ]; then
  SECRET_KEY="$($PY -c 'import secrets; print(secrets.token_urlsafe(64))')"
  export SECRET_KEY
  echo "SECRET_KEY not set: using a throwaway key for this run" >&2
fi
db_name="${DATABASE_URL##*/}"
db_server="${DATABASE_URL%/*}/postgres"
$PY - "$db_server" "$db_name" <<'PYCODE'
import sys
import psycopg
from psycopg import sql
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (sys.argv[2],)).fetchone():
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(sys.argv[2])))
PYCODE
$PY manage.py migrate --noinput
$PY manage.py load_seed
$PY manage.py collectstatic --noinput >/dev/null
# Webhook deliveries and CDN purges are queued in the database; this worker sends them.
$PY manage.py db_worker --backend background --no-reload &
worker=$!
trap 'kill "$worker" 2>/dev/null' EXIT
# Request limits (request line, header count and size): gunicorn.conf.py, documented there.
.venv/bin/gunicorn cms.wsgi:application --config gunicorn.conf.py \
  --bind "127.0.0.1:${PORT:-8000}" --workers "${WEB_CONCURRENCY:-2}" --threads 4 \
  --timeout 30 --graceful-timeout 10 --access-logfile -
