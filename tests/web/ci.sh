#!/usr/bin/env bash
# The web calendar in a real browser: starts `kairos serve` on a throw-away data
# directory, gives alice 10,000 events (one ICS import) plus a recurring series, then
# runs web/scripts/screens.mjs in Debian's headless Chromium: sign in through the
# server's page, each view at desktop and phone width (light and dark), time to the
# first view with events, and axe-core (any serious or critical violation fails); then
# web/scripts/e2e.mjs, the everyday actions end to end, each checked over CalDAV.
#
#   bash tests/web/ci.sh target/debug/kairos [screenshot-dir]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="$(realpath "${1:?usage: ci.sh path/to/kairos [screenshot-dir]}")"
SHOTS="${2:+$(realpath -m "$2")}"
if ! command -v chromium >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
[[ -d "$ROOT/web/node_modules/playwright-core" ]] || bash "$ROOT/.ci/npm-ci.sh" "$ROOT/web"

DIR="$(mktemp -d)"
PID=""
cleanup() {
    if [[ -n "$PID" ]]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
    rm -rf "$DIR"
}
trap cleanup EXIT

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
URL="http://127.0.0.1:$PORT"
echo alice-password | "$BIN" user add alice --password-stdin --data-dir "$DIR/data" >/dev/null
echo bob-password | "$BIN" user add bob --password-stdin --data-dir "$DIR/data" >/dev/null
KAIROS_LOG=warn KAIROS_COOKIE_SECURE=false "$BIN" serve --data-dir "$DIR/data" --listen "127.0.0.1:$PORT" >"$DIR/server.log" 2>&1 &
PID=$!
for _ in $(seq 300); do
    curl -sf "$URL/healthz" >/dev/null && break
    kill -0 "$PID" 2>/dev/null || { cat "$DIR/server.log" >&2; exit 2; }
    sleep 0.1
done

# 10,000 events spread over two years around today, in one file.
python3 - "$DIR/many.ics" <<'PY'
import datetime, sys
today = datetime.date.today()
lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Kairos tests//EN"]
for i in range(10000):
    day = today + datetime.timedelta(days=(i * 7919) % 730 - 365)
    hour = 7 + i % 11
    lines += ["BEGIN:VEVENT", f"UID:bulk-{i}@kairos.test", "DTSTAMP:20260101T000000Z",
              f"DTSTART:{day:%Y%m%d}T{hour:02d}0000Z", f"DTEND:{day:%Y%m%d}T{hour:02d}4500Z",
              f"SUMMARY:Meeting {i}", "END:VEVENT"]
lines.append("END:VCALENDAR")
open(sys.argv[1], "w").write("\r\n".join(lines) + "\r\n")
PY
CAL="$(curl -sf -u alice:alice-password "$URL/api/v1/calendars" | python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])')"
curl -sf -u alice:alice-password -H 'Content-Type: text/calendar' --data-binary @"$DIR/many.ics" \
    "$URL/api/v1/calendars/$CAL/import" >/dev/null
curl -sf -u alice:alice-password -H 'Content-Type: application/json' "$URL/api/v1/calendars/$CAL/events" \
    -d "{\"summary\": \"Standup\", \"start\": {\"date_time\": \"$(date +%Y-%m-01)T09:00:00\", \"time_zone\": \"Europe/Berlin\"},
         \"end\": {\"date_time\": \"$(date +%Y-%m-01)T09:15:00\", \"time_zone\": \"Europe/Berlin\"},
         \"recurrence\": [\"RRULE:FREQ=DAILY;COUNT=60\"]}" >/dev/null

cd "$ROOT/web"
node scripts/screens.mjs "$URL" alice alice-password "${SHOTS:-$DIR/screens}"
# As a person would: sign in, create, drag, edit one instance, a change from another
# CalDAV client arriving live, share, app password; each checked over CalDAV.
E2E_FAILURE_SHOT="${E2E_FAILURE_SHOT:-$DIR/e2e-failure.png}" node scripts/e2e.mjs "$URL" alice alice-password bob bob-password
