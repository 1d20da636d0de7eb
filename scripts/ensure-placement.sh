#!/usr/bin/env bash
# The Placement import tests run a real OpenStack Placement API (Debian's python3-placement:
# placement-api and placement-manage, noauth2 over SQLite) and a real Keystone (python3-keystone:
# keystone-manage and keystone-wsgi-public, Fernet over SQLite) that Placement's
# keystonemiddleware checks tokens with, all started by the tests on loopback and stopped by PID
# (shared/notes/real-placement-and-prometheus-offline.md); openssl makes the self-signed
# certificate of the TLS test.
set -euo pipefail
if [ -x /usr/bin/placement-api ] && command -v placement-manage >/dev/null 2>&1 && [ -x /usr/bin/keystone-wsgi-public ] && command -v keystone-manage >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian python3-placement and python3-keystone for the import tests…" >&2
  t0=$SECONDS
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-placement python3-keystone openssl >/dev/null
  echo "provision: apt-get install python3-placement python3-keystone took $((SECONDS - t0)) s" >&2
  exit 0
fi
echo "The Placement import tests need placement-api, placement-manage, keystone-manage, keystone-wsgi-public and openssl: install Debian's python3-placement, python3-keystone and openssl packages." >&2
exit 1
