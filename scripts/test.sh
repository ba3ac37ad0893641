#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs dependencies, checks generated code,
# builds everything and runs every test. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no

bash scripts/install-deps.sh
bash scripts/generate-proto.sh --check

echo "== swift build"
swift build
echo "== swift test"
swift test
