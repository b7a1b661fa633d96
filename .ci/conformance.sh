#!/usr/bin/env bash
# Starts Kairos on a scratch data directory and runs the external suites against it:
#   litmus (basic copymove props http) must pass every test;
#   caldav-server-tester must report every feature this server implements as "full"
#   (.ci/caldav-features.py holds the expectations).
set -euo pipefail
BIN=${1:?usage: conformance.sh PATH/TO/kairos}
HERE="$(cd "$(dirname "$0")" && pwd)"
# The workplace's shared runners when this checkout sits beside them, else the copy kept
# in .ci/conformance (same scripts) so CI works from any clone location.
CONF="${CONFORMANCE_DIR:-$HERE/../../shared/conformance}"
[ -x "$CONF/litmus.sh" ] || CONF="$HERE/conformance"
PORT=${KAIROS_CI_PORT:-8231}
DATA=$(mktemp -d)
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT

echo "alice-pass" | "$BIN" user add alice --password-stdin --data-dir "$DATA"
echo "bob-pass-1" | "$BIN" user add bob --password-stdin --data-dir "$DATA"
KAIROS_LOG=warn "$BIN" serve --data-dir "$DATA" --listen "127.0.0.1:$PORT" &
PID=$!
for _ in $(seq 50); do
    curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
    sleep 0.2
done

status=0
LITMUS_TESTS="basic copymove props http" "$CONF/litmus.sh" \
    "http://127.0.0.1:$PORT/dav/calendars/alice/" alice alice-pass | tee /tmp/kairos-litmus.txt \
    || status=1

set +e
"$CONF/caldav-tester.sh" "http://127.0.0.1:$PORT/" alice alice-pass | tee /tmp/kairos-cst.txt
set -e
run_dir=$(sed -n 's/^details: \([^ ]*\).*/\1/p' /tmp/kairos-cst.txt | tail -1)
python3 "$HERE/caldav-features.py" "$run_dir/features.json" || status=1

kill -TERM "$PID"
wait "$PID" || { echo "server did not shut down cleanly"; status=1; }
exit $status
