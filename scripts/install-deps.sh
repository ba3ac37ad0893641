#!/usr/bin/env bash
# Installs what building and testing Streamify needs on Debian/Ubuntu (run as root, or with sudo):
# the C libraries (protobuf-c, librdkafka), Chart.js for the dashboard, Redis (scripts/peers.sh
# measures the daemon beside it), and the Python tools the tests use. With STREAMIFY_BROWSER_TESTS=1 (scripts/test.sh) also Chromium and Playwright, which
# drive the dashboard in the browser test. The Swift 6 toolchain itself must already be on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v swift >/dev/null; then
  echo "install-deps: a Swift 6 toolchain is required on PATH (https://www.swift.org/install/linux/)" >&2
  exit 2
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi

apt_packages=(libprotobuf-c-dev protobuf-c-compiler libprotobuf-dev librdkafka-dev libsqlite3-dev zlib1g-dev pkg-config openssl python3 libjs-chart.js redis-server)
if [ "${STREAMIFY_BROWSER_TESTS:-0}" = 1 ]; then apt_packages+=(chromium); fi
missing=()
for package in "${apt_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python_packages=(protobuf grpcio-tools duckdb)
if [ "${STREAMIFY_BROWSER_TESTS:-0}" = 1 ]; then python_packages+=(playwright); fi
if [ -n "${STREAMIFY_PIP_EXTRA:-}" ]; then
  read -r -a extra <<<"$STREAMIFY_PIP_EXTRA"
  python_packages+=("${extra[@]}")
fi
python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "${python_packages[@]}" 2>/dev/null \
  || python3 -m pip install -q --disable-pip-version-check "${python_packages[@]}"
# Airflow, for the test that loads deploy/airflow's DAGs with Airflow's own DagBag: in a venv of
# its own (it pins much of what it needs); the test falls back to a stand-in without it.
if [ "${STREAMIFY_AIRFLOW:-0}" = 1 ] && [ ! -x .venv-airflow/bin/python ]; then
  echo "install-deps: apache-airflow into .venv-airflow (about a minute)"
  { python3 -m venv .venv-airflow && .venv-airflow/bin/pip install -q --disable-pip-version-check "apache-airflow==2.10.5"; } \
    || { echo "install-deps: Airflow did not install; the DAG test uses its stand-in" >&2; rm -rf .venv-airflow; }
fi
echo "install-deps: ready ($(swift --version 2>&1 | head -n1))"
