#!/usr/bin/env bash
# Runs ruff and the suite on SQLite, then on PostgreSQL (TEST_DATABASE_URL, or a server on 127.0.0.1:5432).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing Debian's chromium for the browser tests ..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "Installing Debian's chromium for the browser tests (sudo) ..."
    (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
  else
    echo "chromium is missing and this user can't install it: browser tests will be skipped" \
         "(install it with: sudo apt-get install chromium)"
  fi
fi

echo "ruff check and ruff format --check ..."
"$BIN/ruff" check . || exit 1
"$BIN/ruff" format --check . >/dev/null || { "$BIN/ruff" format --check .; exit 1; }
echo "lint-imports (the layers of DESIGN.md §2) ..."
"$BIN/lint-imports" --no-cache >/dev/null || { "$BIN/lint-imports" --no-cache; exit 1; }

# Not test-results/: pytest-playwright empties that folder when a run starts.
mkdir -p reports
rm -f reports/*.xml
status=0
backends=()

postgres_url="${TEST_DATABASE_URL:-}"
if [ -z "$postgres_url" ] && "$BIN/python" -c \
    "import socket; socket.create_connection(('127.0.0.1', 5432), 1).close()" 2>/dev/null; then
  postgres_url="postgresql+psycopg://postgres@127.0.0.1:5432/test"
fi

echo "pytest on SQLite ..."
# The PostgreSQL-only concurrency tests skip in this pass when the PostgreSQL pass below will run them.
env -u TEST_DATABASE_URL TEST_POSTGRES_PASS_FOLLOWS="${postgres_url:+1}" \
  "$BIN/python" -m pytest -q --junitxml=reports/sqlite.xml "$@" || status=1
backends+=(sqlite)

if [ -n "$postgres_url" ]; then
  echo "pytest on PostgreSQL ..."
  TEST_DATABASE_URL="$postgres_url" "$BIN/python" -m pytest -q --junitxml=reports/postgresql.xml "$@" \
    || status=1
  backends+=(postgresql)
else
  echo "PostgreSQL: none at 127.0.0.1:5432 and TEST_DATABASE_URL is not set, so only SQLite ran."
fi

echo "Backends tested: ${backends[*]}"
"$BIN/python" scripts/junit_total.py reports/*.xml
exit $status
