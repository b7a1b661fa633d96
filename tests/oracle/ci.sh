#!/usr/bin/env bash
# The oracle agreement test against a freshly started Kairos (docs/oracle.md).
#
#   bash tests/oracle/ci.sh target/debug/kairos
#
# Makes the venv (ORACLE_VENV, default /work/venv-oracle) from the pinned
# requirements, runs the oracle's own unit checks, starts `kairos serve` on a free
# loopback port with a throw-away data directory and user alice, runs run.py
# against it, and stops the server (by its PID) whatever happens.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$(realpath "${1:?usage: ci.sh path/to/kairos}")"
VENV="${ORACLE_VENV:-/work/venv-oracle}"

[[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check -r "$HERE/requirements.txt"
"$VENV/bin/python" -m unittest discover -s "$HERE" -p 'test_*.py'

DIR="$(mktemp -d)"
PID=""
cleanup() {
    if [[ -n "$PID" ]]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
    rm -rf "$DIR"
}
trap cleanup EXIT

PORT="$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
echo alice-pass | "$BIN" user add alice --password-stdin --data-dir "$DIR/data" >/dev/null
"$BIN" serve --data-dir "$DIR/data" --listen "127.0.0.1:$PORT" >"$DIR/server.log" 2>&1 &
PID=$!
for _ in $(seq 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
    kill -0 "$PID" 2>/dev/null || { cat "$DIR/server.log" >&2; echo "ci.sh: kairos exited" >&2; exit 2; }
    sleep 0.1
done

status=0
"$VENV/bin/python" "$HERE/run.py" --url "http://127.0.0.1:$PORT/" --user alice --password alice-pass || status=$?
if [[ $status -ne 0 ]]; then
    echo "--- last lines of the server log" >&2
    tail -n 30 "$DIR/server.log" >&2 || true
fi
exit "$status"
