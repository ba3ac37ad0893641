#!/usr/bin/env bash
# Regenerates the committed protobuf-c code from proto/ with protoc-c.
#
#   scripts/generate-proto.sh          rewrite Sources/CStreamifyProto
#   scripts/generate-proto.sh --check  exit 1 when the committed code is stale
set -euo pipefail
cd "$(dirname "$0")/.."

proto=streamify/v1/scoring.proto
target=Sources/CStreamifyProto
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

command -v protoc-c >/dev/null || { echo "protoc-c not found: apt-get install protobuf-c-compiler" >&2; exit 2; }
protoc-c --proto_path=proto --c_out="$out" "$proto"

generated_c="$out/streamify/v1/scoring.pb-c.c"
generated_h="$out/streamify/v1/scoring.pb-c.h"
committed_c="$target/scoring.pb-c.c"
committed_h="$target/include/streamify/v1/scoring.pb-c.h"

if [[ "${1:-}" == "--check" ]]; then
  if cmp -s "$generated_c" "$committed_c" && cmp -s "$generated_h" "$committed_h"; then
    echo "generated protobuf-c code is current ($(protoc-c --version 2>&1 | head -n1))"
    exit 0
  fi
  echo "generated protobuf-c code is stale: run scripts/generate-proto.sh and commit the result" >&2
  diff -u "$committed_h" "$generated_h" | head -n 40 >&2 || true
  exit 1
fi

mkdir -p "$target/include/streamify/v1"
cp "$generated_c" "$committed_c"
cp "$generated_h" "$committed_h"
echo "wrote $committed_c and $committed_h"
