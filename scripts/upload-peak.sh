#!/usr/bin/env bash
# Peak RSS of one `kairos serve` through the `medium` upload and a short `put_new` round.
#
#   scripts/upload-peak.sh BINARY PORT [NAME=VALUE ...]   (the NAME=VALUEs go to the server's environment)
#
# Needs the data set (python3 ../shared/bench/gen.py --size medium --out $DATA).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH="${BENCH_DIR:-$ROOT/../shared/bench}"
DATA="${DATA:-/tmp/caldav-bench/data/medium-s42}"
BIN=$1; PORT=$2; shift 2
DIR=$(mktemp -d); OUT=$(mktemp -d)
echo alice-pass | "$BIN" user add alice --password-stdin --data-dir "$DIR" >/dev/null
env "$@" "$BIN" serve --data-dir "$DIR" --listen "127.0.0.1:$PORT" >"$DIR.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$DIR" "$OUT"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
BENCH_DIR="$BENCH" python3 "$ROOT/scripts/bench_queries.py" run --data "$DATA" \
  --target "x=http://127.0.0.1:$PORT/,alice,alice-pass" --out "$OUT" --reps 1 --duration 3 \
  --warmup 1 --concurrency 16 --threads 1 --scenarios put_new >"$OUT/log" 2>&1
grep -o 'x: {"responses": 10000.*' "$OUT/log" | cut -c1-200
grep "put_new  " "$OUT/log" | cut -c1-200
grep -E "VmHWM|VmRSS" "/proc/$PID/status" | tr '\n' ' '; echo
