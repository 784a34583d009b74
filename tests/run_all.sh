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
# Browser tests share one built server, in order, on one process; the tests that start servers of
# their own (crash, PostgreSQL + Redis, load balancer) mostly wait on them and run on a second.
shots=$(mktemp -d -t practipal-e2e-shots-XXXXXX)
tier e2e env PRACTIPAL_E2E_SCREENSHOTS="$shots" python -m pytest tests/e2e -q -p no:cacheprovider \
  -n 2 --dist loadgroup
echo "e2e screenshots: $shots"
echo "=== whole suite: $((SECONDS - start)) s"
if ((${#failed[@]})); then
  echo "FAILED tiers: ${failed[*]}"
  exit 1
fi
