#!/usr/bin/env bash
# The Prometheus import tests run a real Prometheus (Debian's package: prometheus and promtool),
# started by the tests on loopback and stopped by PID (shared/notes/real-placement-and-prometheus-offline.md).
set -euo pipefail
if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian prometheus for the import tests…" >&2
  t0=$SECONDS
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  echo "provision: apt-get install prometheus took $((SECONDS - t0)) s" >&2
  exit 0
fi
echo "The Prometheus import tests need prometheus and promtool: install Debian's prometheus package." >&2
exit 1
