#!/usr/bin/env bash
# The whole suite: unit, integration (SQLite, and PostgreSQL when PRACTIPAL_TEST_POSTGRES_URL is set),
# then the browser tests against a production build. Called by `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pytest tests/unit tests/integration -q -p no:cacheprovider
python -m pytest tests/e2e -q -p no:cacheprovider
