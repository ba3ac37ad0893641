#!/usr/bin/env bash
# The main job: builds the daemon and the load generator (release), starts the daemon on
# embedded defaults (./streamify.sock and 127.0.0.1:7411, metrics on 127.0.0.1:9464, state kept
# in ./streamify-state across runs; STREAMIFY_STATE_DIR=off keeps it in memory only) with its
# live dashboard at http://127.0.0.1:8080/, and plays a live, labelled synthetic card population
# against it until Ctrl-C (or DEMO_DURATION seconds). DEMO_DRIVER=page leaves the load to the
# page's own Start / Stop / Reset buttons (the built-in demo load) instead of loadgen. Every
# decision is archived in ./streamify-archive.db (STREAMIFY_ARCHIVE=off for none): query it with
# sqlite3 or .build/release/streamify-admin (report, monitor, quality-check, export, ...).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
echo "== swift build -c release (the first build takes a few minutes)"
swift build -c release

socket="${STREAMIFY_UNIX:-streamify.sock}"
.build/release/scoring-server --unix "$socket" --tcp "${STREAMIFY_TCP:-127.0.0.1:7411}" \
  --metrics "${STREAMIFY_METRICS:-127.0.0.1:9464}" --state-dir "${STREAMIFY_STATE_DIR:-streamify-state}" \
  --http "${STREAMIFY_HTTP:-127.0.0.1:8080}" --archive "${STREAMIFY_ARCHIVE:-streamify-archive.db}" &
daemon=$!
cleanup() {
  kill -TERM "$daemon" 2>/dev/null || true
  wait "$daemon" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

for _ in $(seq 1 100); do
  [ -S "$socket" ] && break
  sleep 0.1
done

echo "== dashboard: http://${STREAMIFY_HTTP:-127.0.0.1:8080}/"
if [ "${STREAMIFY_ARCHIVE:-streamify-archive.db}" != off ]; then
  echo "== archive: ${STREAMIFY_ARCHIVE:-streamify-archive.db} (try: .build/release/streamify-admin monitor --window 15m --archive ${STREAMIFY_ARCHIVE:-streamify-archive.db})"
fi
if [ "${DEMO_DRIVER:-loadgen}" = page ]; then
  echo "== the load is the page's: press Start there (Ctrl-C here to stop the daemon)"
  wait "$daemon"
else
  .build/release/loadgen run --target "unix:$socket" --rate "${DEMO_RATE:-2000}" --duration "${DEMO_DURATION:-0}"
fi
