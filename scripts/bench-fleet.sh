#!/usr/bin/env bash
# Kairos on SQLite, on PostgreSQL with one node, and on PostgreSQL with two front nodes
# behind an nginx round-robin proxy, measured side by side in one run of the shared
# harness (../shared/bench).
#
#   scripts/bench-fleet.sh [small|medium]        (default: medium)
#
# Needs nginx (Debian package nginx or nginx-light) and PostgreSQL on 127.0.0.1:5432 with
# trust auth (user postgres). The database kairos_bench is dropped and re-created.
# Results: $BENCH_DIR/results/kairos-fleet-<size>/results.md
#
# The two PostgreSQL targets share one database: "pg-1node" is user alice through node A
# directly, "pg-2nodes" is user bob through nginx, which alternates between nodes A and
# B. Server CPU per request counts the process listening on the target's port only (node
# A, or nginx), not PostgreSQL or the second node: compare req/s and latency, not CPU.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH="${BENCH_DIR:-$ROOT/../shared/bench}"
WORK="${BENCH_WORK:-${TMPDIR:-/tmp}/caldav-bench}"
SIZE=${1:-medium}
SEED=${SEED:-42}
PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/kairos_bench}
SQ=5242; NA=5251; NB=5252; PROXY=5250
BIN="$ROOT/target/release/kairos"

cargo build --release -p kairos --manifest-path "$ROOT/Cargo.toml"
command -v nginx >/dev/null || { echo "nginx not installed (apt-get install nginx-light)" >&2; exit 1; }
mkdir -p "$WORK"
RUN="$WORK/fleet"
rm -rf "$RUN"; mkdir -p "$RUN/sqlite" "$RUN/nginx/logs" "$RUN/nginx/tmp"

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -f "$RUN/nginx/nginx.pid" ]] && kill "$(cat "$RUN/nginx/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT

wait_up() { # port
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return 0; sleep 0.2; done
  echo "nothing answers on port $1" >&2; exit 1
}

# SQLite: one node, its own data directory.
echo "alice-pass" | "$BIN" user add alice --password-stdin --data-dir "$RUN/sqlite" >/dev/null
KAIROS_LOG=warn "$BIN" serve --data-dir "$RUN/sqlite" --listen "127.0.0.1:$SQ" & PIDS+=($!)

# PostgreSQL: a fresh database, users alice and bob, node A (all) and node B (front).
psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS kairos_bench WITH (FORCE)" -c "CREATE DATABASE kairos_bench"
"$BIN" migrate --database-url "$PG_URL" >/dev/null
for u in alice bob; do echo "$u-pass" | "$BIN" user add "$u" --password-stdin --database-url "$PG_URL" >/dev/null; done
KAIROS_LOG=warn "$BIN" serve --database-url "$PG_URL" --listen "127.0.0.1:$NA" --role all & PIDS+=($!)
KAIROS_LOG=warn "$BIN" serve --database-url "$PG_URL" --listen "127.0.0.1:$NB" --role front & PIDS+=($!)

cat >"$RUN/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $RUN/nginx/nginx.pid;
error_log $RUN/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $RUN/nginx/tmp;
  proxy_temp_path $RUN/nginx/tmp;
  upstream kairos { server 127.0.0.1:$NA; server 127.0.0.1:$NB; keepalive 32; }
  server {
    listen 127.0.0.1:$PROXY;
    client_max_body_size 10m;
    location / {
      proxy_pass http://kairos;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_request_buffering off;
      proxy_buffering off;
    }
  }
}
EOF
nginx -c "$RUN/nginx/nginx.conf" -p "$RUN/nginx"
for p in $SQ $NA $NB $PROXY; do wait_up "$p"; done

DATA="$WORK/data/$SIZE-s$SEED"
if [[ ! -f "$DATA/manifest.json" ]]; then
  mkdir -p "$WORK/data"; python3 "$BENCH/gen.py" --size "$SIZE" --seed "$SEED" --out "$DATA" >&2
fi
OUT="$BENCH/results/kairos-fleet-$SIZE"
mkdir -p "$OUT"
ARGS=()
[[ -n "${SCENARIOS:-}" ]] && ARGS+=(--scenarios "$SCENARIOS")
BENCH_DIR="$BENCH" python3 "$ROOT/scripts/bench_queries.py" run --data "$DATA" \
  --target "sqlite=http://127.0.0.1:$SQ/,alice,alice-pass" \
  --target "pg-1node=http://127.0.0.1:$NA/,alice,alice-pass" \
  --target "pg-2nodes=http://127.0.0.1:$PROXY/,bob,bob-pass" \
  --out "$OUT" --work "$WORK/run-fleet-$SIZE" "${ARGS[@]}" \
  --reps "${REPS:-2}" --duration "${DURATION:-10}" --warmup "${WARMUP:-2}" \
  --concurrency "${CONC:-16}" --threads "${THREADS:-1}" --max-minutes "${MAX_MINUTES:-90}" \
  2> >(tee "$OUT/log.txt" >&2)
echo "$OUT/results.md"
