#!/usr/bin/env bash
# The whole suite: lint, unit, integration (SQLite, and PostgreSQL when PRACTIPAL_TEST_POSTGRES_URL is
# set), then the browser tests against a production build. Called by `make test`; prints each tier's time.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
tier() {
  local name=$1 start=$SECONDS
  shift
  echo "=== $name"
  "$@" || failed+=("$name")
  echo "=== $name: $((SECONDS - start)) s"
}

start=$SECONDS
tier lint bash -c 'ruff check . && ruff format --check .'
# Unit and integration tests are independent of one another: one process per core for unit tests;
# one more than the cores for integration tests, which wait on PostgreSQL and child processes (on
# 2 cores: 168 s with 3 processes against 195 s with 2, measured back to back).
tier unit python -m pytest tests/unit -q -p no:cacheprovider -n auto
tier integration python -m pytest tests/integration -q -p no:cacheprovider \
  -n "$(($(nproc) + 1))"
# The browser tests share one built server, in file order; the tests that start servers of their
# own (crash, PostgreSQL + Redis, load balancer) mostly wait on them, so they run alongside in a
# second pytest, whose output follows.
e2e() {
  local own_log status=0
  own_log=$(mktemp)
  python -m pytest tests/e2e -q -p no:cacheprovider -m own_servers >"$own_log" 2>&1 &
  local own=$!
  python -m pytest tests/e2e -q -p no:cacheprovider -m "not own_servers" || status=1
  wait "$own" || status=1
  echo "--- e2e tests with servers of their own"
  cat "$own_log"
  rm -f "$own_log"
  return "$status"
}
tier e2e e2e
echo "=== whole suite: $((SECONDS - start)) s"
if ((${#failed[@]})); then
  echo "FAILED tiers: ${failed[*]}"
  exit 1
fi
