#!/usr/bin/env bash
# Property-based checks of the REST API against its own OpenAPI document (schemathesis).
#
#   bash tests/api/schemathesis.sh target/debug/kairos
#
# Starts `kairos serve` on a throw-away data directory with user alice and a read-write
# token minted by `kairos token create`, then runs schemathesis, authenticated, over every
# operation: no answer may be a server error, and every answer must match the document
# (status code, content type, body schema). The stateful phase is left out: it infers
# links between operations from shared parameter names and finds some that cannot exist
# (a calendar id fed to /tokens), which it reports as errors of the document. /changes is
# left out too: it is an endless event stream (crates/kairos/tests/e2e/api_live.rs covers it). The venv
# (SCHEMATHESIS_VENV) holds the pinned version from requirements.txt.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$(realpath "${1:?usage: schemathesis.sh path/to/kairos}")"
VENV="${SCHEMATHESIS_VENV:-$HOME/.cache/kairos-schemathesis-venv}"
[[ -x "$VENV/bin/schemathesis" ]] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check -r "$HERE/requirements.txt"

DIR="$(mktemp -d)"
PID=""
cleanup() {
    if [[ -n "$PID" ]]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
    rm -rf "$DIR"
}
trap cleanup EXIT

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
echo alice-password | "$BIN" user add alice --password-stdin --data-dir "$DIR/data" >/dev/null
TOKEN="$("$BIN" token create alice --scope read-write --label schemathesis --data-dir "$DIR/data")"
KAIROS_LOG=warn "$BIN" serve --data-dir "$DIR/data" --listen "127.0.0.1:$PORT" >"$DIR/server.log" 2>&1 &
PID=$!
for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
    kill -0 "$PID" 2>/dev/null || { cat "$DIR/server.log" >&2; exit 2; }
    sleep 0.1
done

status=0
"$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
    --header "Authorization: Bearer $TOKEN" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "${SCHEMATHESIS_EXAMPLES:-50}" \
    --workers 1 \
    --phases coverage,fuzzing \
    --suppress-health-check all \
    --exclude-path-regex '/changes$' \
    || status=$?
if [[ $status -ne 0 ]]; then
    echo "--- last lines of the server log" >&2
    tail -n 50 "$DIR/server.log" >&2
fi
exit $status
