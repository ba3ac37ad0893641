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

# String fields the daemon reads from clients, and the one it echoes back, are generated as
# ProtobufCBinaryData (protobuf-c's string_as_bytes) so the daemon sees their full length: a C
# string would end at an embedded NUL. The wire encoding is the same. The option lives only in
# this derived copy, so the public .proto stays free of protobuf-c imports for other languages.
binary_fields="Transaction.transaction_id Transaction.card_id Transaction.merchant_id Transaction.currency
  Transaction.country Transaction.device_id Transaction.ip_address Transaction.user_agent
  Transaction.merchant_category Transaction.payment_method Feedback.transaction_id Feedback.card_id
  Feedback.merchant_id Authenticate.token RiskBreakdown.transaction_id"
descriptor=/usr/include/google/protobuf/descriptor.proto
command -v protoc-c >/dev/null || { echo "protoc-c not found: apt-get install protobuf-c-compiler" >&2; exit 2; }
[[ -f $descriptor ]] || { echo "$descriptor not found: apt-get install libprotobuf-dev" >&2; exit 2; }
mkdir -p "$out/proto/$(dirname "$proto")"
awk -v fields="$binary_fields" '
  BEGIN { n = split(fields, list, /[ \n]+/); for (i = 1; i <= n; i++) if (list[i] != "") wanted[list[i]] = 1 }
  /^package / { print; print "import \"protobuf-c/protobuf-c.proto\";"; next }
  /^message / { message = $2 }
  /^}/ { message = "" }
  $1 == "string" && $3 == "=" && ((message "." $2) in wanted) {
    sub(/;/, " [(pb_c_field).string_as_bytes = true];"); done[message "." $2] = 1
  }
  { print }
  END { for (f in wanted) if (!(f in done)) { print "generate-proto: no string field " f > "/dev/stderr"; exit 1 } }
' "proto/$proto" > "$out/proto/$proto"
protoc-c --proto_path="$out/proto" --proto_path=/usr/include --c_out="$out" "$proto"

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
