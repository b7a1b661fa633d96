#!/usr/bin/env bash
# Kairos against Radicale and Xandikos (and nginx serving a static file) with the shared
# benchmark harness, in one interleaved run per data set.
#
#   scripts/bench.sh [small|medium|both]      (default: both)
#
# Needs ../shared/bench (BENCH_DIR to override). Kairos runs from target/release on a
# fresh data directory and gets every resource by PUT (the upload is itself measured);
# for medium the peers are bulk-seeded (PUT-by-PUT takes them hours) and reused.
# Results: $BENCH_DIR/results/kairos-<size>/results.md
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH="${BENCH_DIR:-$ROOT/../shared/bench}"
WORK="${BENCH_WORK:-${TMPDIR:-/tmp}/caldav-bench}"
KP=${KAIROS_PORT:-5242}; RP=${RADICALE_PORT:-5240}; XP=${XANDIKOS_PORT:-5241}; SP=${STATIC_PORT:-8090}
WHAT=${1:-both}
SEED=${SEED:-42}

cargo build --release -p kairos --manifest-path "$ROOT/Cargo.toml"
"$BENCH/peers.sh" install >/dev/null

KDATA=""
start_kairos() {
  stop_kairos
  KDATA=$(mktemp -d)
  echo "alice-pass" | "$ROOT/target/release/kairos" user add alice --password-stdin --data-dir "$KDATA" >/dev/null
  KAIROS_LOG=warn "$ROOT/target/release/kairos" serve --data-dir "$KDATA" --listen "127.0.0.1:$KP" &
  echo $! > "$WORK/kairos.pid"
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$KP/healthz" >/dev/null && return 0; sleep 0.2; done
  echo "kairos did not start" >&2; exit 1
}
stop_kairos() {
  if [[ -f "$WORK/kairos.pid" ]]; then kill "$(cat "$WORK/kairos.pid")" 2>/dev/null || true; rm -f "$WORK/kairos.pid"; sleep 1; fi
  [[ -n "$KDATA" ]] && rm -rf "$KDATA"
  return 0
}
trap 'stop_kairos; "$BENCH/peers.sh" stop-all >/dev/null 2>&1 || true' EXIT

fresh_peers() {
  "$BENCH/peers.sh" stop radicale "$RP" >/dev/null 2>&1 || true
  "$BENCH/peers.sh" stop xandikos "$XP" >/dev/null 2>&1 || true
  "$BENCH/peers.sh" start radicale "$RP"
  "$BENCH/peers.sh" start xandikos "$XP"
  (exec 3<>"/dev/tcp/127.0.0.1/$SP") 2>/dev/null || "$BENCH/peers.sh" start static "$SP"
}

data() { # size -> data dir (generated once)
  local d="$WORK/data/$1-s$SEED"
  if [[ ! -f "$d/manifest.json" ]]; then
    local py=python3
    [[ -x "$WORK/venv-tools/bin/python" ]] && py="$WORK/venv-tools/bin/python"
    mkdir -p "$WORK/data"; "$py" "$BENCH/gen.py" --size "$1" --seed "$SEED" --out "$d" >&2
  fi
  echo "$d"
}

TARGETS=("kairos=http://127.0.0.1:$KP/,alice,alice-pass"
         "radicale=http://127.0.0.1:$RP/,alice,alice-pass"
         "xandikos=http://127.0.0.1:$XP/,alice,alice-pass")
export STATIC_URL="http://127.0.0.1:$SP/event.ics"

# compare.sh's run with scripts/bench_queries.py as the driver: the shared load.py plus
# the free-busy and one-day etag scenarios it lacks.
compare() { # size out [extra load.py args...]
  local size=$1 out=$2; shift 2
  local d; d=$(data "$size")
  local args=()
  for t in "${TARGETS[@]}"; do args+=(--target "$t"); done
  [[ -n "${SCENARIOS:-}" ]] && args+=(--scenarios "$SCENARIOS")
  mkdir -p "$out"
  BENCH_DIR="$BENCH" python3 "$ROOT/scripts/bench_queries.py" run --data "$d" "${args[@]}" \
    --static "$STATIC_URL" --out "$out" --work "$WORK/run-kairos-$size" \
    --reps "${REPS:-3}" --duration "${DURATION:-10}" --warmup "${WARMUP:-2}" \
    --concurrency "${CONC:-16}" --threads "${THREADS:-1}" \
    --upload-timeout "${UPLOAD_TIMEOUT:-3600}" --max-minutes "${MAX_MINUTES:-240}" "$@" \
    2> >(tee "$out/log.txt" >&2)
  echo "$out/results.md"
}

run_small() {
  start_kairos; fresh_peers
  compare small "$BENCH/results/kairos-small"
}

run_medium() {
  local d; d=$(data medium)
  start_kairos; fresh_peers
  "$BENCH/peers.sh" seed radicale "$RP" "$d"
  "$BENCH/peers.sh" seed xandikos "$XP" "$d"
  # --reuse keeps the seeded peer calendars; Kairos starts empty and is uploaded by PUT.
  MAX_MINUTES=${MAX_MINUTES:-120} compare medium "$BENCH/results/kairos-medium" --reuse
}

case "$WHAT" in
  small) run_small ;;
  medium) run_medium ;;
  both) run_small; run_medium ;;
  *) echo "usage: $0 [small|medium|both]" >&2; exit 2 ;;
esac
