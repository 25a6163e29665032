#!/usr/bin/env bash
# `make bench`: wrk from Debian when it is missing (as root or with password-less sudo), then python -m bench.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing Debian's wrk for the load ..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "Installing Debian's wrk for the load (sudo) ..."
    (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null
  else
    echo "wrk is missing and this user can't install it: using the bounded Python driver" \
         "(install it with: sudo apt-get install wrk)"
  fi
fi
exec .venv/bin/python -m bench --db "${BENCH_DB:-both}" --seconds "${BENCH_SECONDS:-15}" "$@"
