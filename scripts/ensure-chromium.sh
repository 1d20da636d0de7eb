#!/usr/bin/env bash
# The report tests drive a real headless Chromium (Debian's package; playwright-core does not
# download browsers). On a fresh machine, where we are root with apt-get, install it.
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "${CHROMIUM_PATH}" ]; then exit 0; fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian chromium for the browser tests…" >&2
  t0=$SECONDS
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  echo "provision: apt-get install chromium took $((SECONDS - t0)) s" >&2
  exit 0
fi
echo "The report tests need Chromium: install Debian's chromium package or set CHROMIUM_PATH." >&2
exit 1
