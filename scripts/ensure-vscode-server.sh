#!/usr/bin/env bash
# A real VS Code for the extension tests, offline (shared/notes/real-vscode-offline.md):
# code-server built from the npm registry with a Node 24 toolchain from the `node` npm package.
# Cached under ${HEADROOM_CACHE:-~/.cache/headroom} (about 5 minutes to build on 2 cores, once).
#
# code-server's postinstall reads the Node major version from $npm_config_user_agent, which an
# outer `npm test` sets to its own (node/v20): the inner install therefore runs with every npm_*
# variable of the outer npm removed, so the user agent it sees is that of the Node 24 it runs on.
set -euo pipefail
CACHE="${HEADROOM_CACHE:-$HOME/.cache/headroom}"
VERSION=4.139.1
CS="$CACHE/code-server-$VERSION"
NODE_DIR="$CACHE/node24"
NODE_BIN="$NODE_DIR/node_modules/node/bin"
if [ -f "$CS/.complete" ] && [ -x "$NODE_BIN/node" ]; then exit 0; fi
mkdir -p "$CACHE"
step() { # step LABEL COMMAND...: runs it, prints how long it took
  local t0=$SECONDS
  "${@:2}"
  echo "provision: $1 took $((SECONDS - t0)) s" >&2
}
# the outer npm's environment, less its own variables (the npm cache folder is kept)
clean_env=(env)
while IFS='=' read -r name _; do
  case "$name" in npm_config_cache) ;; npm_*|NPM_*|INIT_CWD|NODE) clean_env+=(-u "$name") ;; esac
done < <(env)

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1 && ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  step "apt-get install libkrb5-dev" bash -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libkrb5-dev >/dev/null'
fi
if [ ! -x "$NODE_BIN/node" ]; then
  step "Node 24 from npm" "${clean_env[@]}" npm install --prefix "$NODE_DIR" --no-audit --no-fund --loglevel=error node@24 >/dev/null
fi
# node-gyp builds VS Code's native modules against Node 24's own headers, which the `node`
# package ships (node-<os>-<arch>/include/node): never against another Node's headers from an
# npmrc, and never by downloading them (there is no network beyond the registries).
HEADERS=$(find "$NODE_DIR/node_modules" -path '*/include/node/node.h' -print -quit)
HEADERS=${HEADERS%/include/node/node.h}
[ -f "$HEADERS/include/node/node.h" ] || { echo "provision: Node 24 headers not found under $NODE_DIR" >&2; exit 1; }
echo "building code-server $VERSION for the extension tests (cached in $CS)…" >&2
rm -rf "$CS"
build() {
  "${clean_env[@]}" PATH="$NODE_BIN:$PATH" npm_config_nodedir="$HEADERS" npm install --prefix "$CS" --no-audit --no-fund --foreground-scripts "code-server@$VERSION" > "$CACHE/code-server-build.log" 2>&1 || {
    tail -n 40 "$CACHE/code-server-build.log" >&2
    echo "provision: building code-server failed (log: $CACHE/code-server-build.log)" >&2
    return 1
  }
}
step "code-server $VERSION build" build
touch "$CS/.complete"
