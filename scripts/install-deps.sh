#!/usr/bin/env bash
# Installs what building and testing Streamify needs on Debian/Ubuntu (run as root, or with sudo):
# the C libraries (protobuf-c, librdkafka), Chart.js for the dashboard, and the Python tools the
# tests use. With STREAMIFY_BROWSER_TESTS=1 (scripts/test.sh) also Chromium and Playwright, which
# drive the dashboard in the browser test. The Swift 6 toolchain itself must already be on PATH.
set -euo pipefail

if ! command -v swift >/dev/null; then
  echo "install-deps: a Swift 6 toolchain is required on PATH (https://www.swift.org/install/linux/)" >&2
  exit 2
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi

apt_packages=(libprotobuf-c-dev protobuf-c-compiler libprotobuf-dev librdkafka-dev libsqlite3-dev zlib1g-dev pkg-config openssl python3 libjs-chart.js)
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
echo "install-deps: ready ($(swift --version 2>&1 | head -n1))"
