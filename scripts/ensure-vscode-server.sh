#!/usr/bin/env bash
# A real VS Code for the extension tests, offline (shared/notes/real-vscode-offline.md):
# code-server built from the npm registry with a Node 24 toolchain from the `node` npm package.
# Cached under ${HEADROOM_CACHE:-~/.cache/headroom} (about 5 minutes to build on 2 cores, once).
set -euo pipefail
CACHE="${HEADROOM_CACHE:-$HOME/.cache/headroom}"
VERSION=4.139.1
CS="$CACHE/code-server-$VERSION"
NODE_DIR="$CACHE/node24"
if [ -f "$CS/.complete" ] && [ -x "$NODE_DIR/node_modules/node/bin/node" ]; then exit 0; fi
mkdir -p "$CACHE"
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1 && ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libkrb5-dev >/dev/null
fi
if [ ! -x "$NODE_DIR/node_modules/node/bin/node" ]; then
  npm install --prefix "$NODE_DIR" --no-audit --no-fund node@24 >/dev/null
fi
echo "building code-server $VERSION for the extension tests (cached in $CS)…" >&2
rm -rf "$CS"
PATH="$NODE_DIR/node_modules/node/bin:$PATH" npm install --prefix "$CS" --no-audit --no-fund --foreground-scripts "code-server@$VERSION" > "$CACHE/code-server-build.log" 2>&1 || { tail -n 40 "$CACHE/code-server-build.log" >&2; exit 1; }
touch "$CS/.complete"
