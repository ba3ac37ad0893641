#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs dependencies, checks generated code,
# builds everything, fuzzes the request path briefly, runs the Kafka end-to-end test against a
# real broker process (tansu), then every swift-testing suite. Used by .ci/run.
#
# FUZZ_SECONDS (default 30) bounds the fuzzing; STREAMIFY_SKIP_E2E=1 skips the tansu test.
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no

STREAMIFY_BROWSER_TESTS=1 STREAMIFY_AIRFLOW=1 bash scripts/install-deps.sh
if [ -x .venv-airflow/bin/python ]; then export STREAMIFY_AIRFLOW_PYTHON="$PWD/.venv-airflow/bin/python"; fi
bash scripts/generate-proto.sh --check

echo "== swift build"
swift build

echo "== fuzzing the request path for ${FUZZ_SECONDS:-30}s (libFuzzer + AddressSanitizer)"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-30}"

if [ "${STREAMIFY_SKIP_E2E:-0}" != 1 ]; then
  echo "== Kafka door end to end against tansu (scoring-server with --kafka-brokers, no sockets)"
  bash scripts/kafka-e2e.sh
fi

echo "== swift test"
swift test
