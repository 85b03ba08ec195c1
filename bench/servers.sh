#!/usr/bin/env bash
# Start the benchmark's servers on PostgreSQL + Redis, as the README's production mode runs them:
# `manage.py serve` (2 daphne workers on :8011, the station endpoint), a Celery worker with beat
# (billing, load balancing, deliveries), and one more daphne on :8012 (another process, for API
# commands).
# Usage: bench/servers.sh start|stop   (env: DATABASE_URL, REDIS_URL; defaults below)
set -euo pipefail
cd "$(dirname "$0")/.."
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cpms_bench}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/1}
# Production mode on the loopback: no TLS in front (HTTPS=0), no mail server (the bench resets no
# password), a random key unless one is given (production refuses short or published keys).
export DJANGO_DEBUG=0 ALLOWED_HOSTS='*' HTTPS=0 ALLOW_CONSOLE_EMAIL=1
export SECRET_KEY=${SECRET_KEY:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')}
case "${1:-start}" in
  start)
    psql "${DATABASE_URL%/*}/postgres" -qtc "select 1 from pg_database where datname='${DATABASE_URL##*/}'" | grep -q 1 \
      || psql "${DATABASE_URL%/*}/postgres" -qc "create database \"${DATABASE_URL##*/}\""
    .venv/bin/python manage.py migrate -v0
    .venv/bin/python manage.py createtenant bench --name Bench 2>/dev/null || true
    ulimit -n 65536 2>/dev/null || true
    nohup .venv/bin/python manage.py serve --host 127.0.0.1 --port 8011 --workers "${WORKERS:-2}" > /tmp/bench-serve.log 2>&1 &
    nohup .venv/bin/daphne -b 127.0.0.1 -p 8012 cpms.asgi:application > /tmp/bench-api.log 2>&1 &
    nohup .venv/bin/celery -A cpms worker --beat -l warning --concurrency "${CELERY_CONCURRENCY:-1}" \
      --schedule /tmp/bench-celerybeat-schedule > /tmp/bench-celery.log 2>&1 &
    sleep 4
    echo "token: $(.venv/bin/python manage.py apitoken bench | tail -1)"
    echo "server pids: $(pgrep -f 'daphne --fd' | paste -sd,)"
    ;;
  restart)  # all station-serving processes, as after a deploy or a crash
    pkill -f "manage.py serve --host 127.0.0.1 --port 8011" || true
    while pgrep -f "daphne --fd" >/dev/null; do sleep 0.2; done
    nohup .venv/bin/python manage.py serve --host 127.0.0.1 --port 8011 --workers "${WORKERS:-2}" > /tmp/bench-serve.log 2>&1 &
    ;;
  stop)
    pkill -f "manage.py serve --host 127.0.0.1 --port 8011" || true
    pkill -f "daphne -b 127.0.0.1 -p 8012" || true
    pkill -f "celery -A cpms worker --beat -l warning" || true
    ;;
esac
