#!/usr/bin/env python3
"""The shared harness's fixed-count write phase (200 PUTs, then 200 DELETEs, 16 fresh
connections) run on its own, repeatedly, after a chosen idle time.

  scripts/bench_burst.py URL USER PASS CALENDAR_PATH TEMPLATE.ics [--idle S] [--rounds N]

Each round: wait --idle seconds with no request to the server (so that the credential
cache can run out, as it does in a full run, where the other servers' phases come
between), then the burst through the harness's own `upload` (same wrk script, same
latency accounting), then the DELETEs. With --idle 0 a PROPFIND goes just before the
burst, so the credentials are known. Prints one line per phase: req/s, p50, p99 and the
server's CPU per request.
"""
import argparse
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.environ.get("BENCH_DIR", os.path.join(HERE, "..", "..", "shared", "bench"))
sys.path.insert(0, BENCH)
import load  # noqa: E402  (the shared driver)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("user")
    ap.add_argument("password")
    ap.add_argument("calendar", help="collection path the burst goes into, e.g. /dav/calendars/alice/x/")
    ap.add_argument("template", help="an .ics file with UID:@@UID@@")
    ap.add_argument("--idle", type=float, default=0.0)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=16)
    a = ap.parse_args()

    t = load.Target("kairos=%s,%s,%s" % (a.url, a.user, a.password))
    t.pid = load.find_listener_pid(t.port)
    with open(a.template, encoding="utf-8", newline="") as f:
        template = f.read()
    work = tempfile.mkdtemp(prefix="burst-")
    for rnd in range(a.rounds):
        names = []
        for i in range(a.count):
            uid = "burst-%d-%d-%05d" % (os.getpid(), rnd, i)
            with open(os.path.join(work, uid + ".ics"), "w", newline="") as f:
                f.write(template.replace("@@UID@@", uid))
            names.append(uid + ".ics")
        load.wait_idle(t.pid)
        if a.idle > 0:
            time.sleep(a.idle)
        else:
            t.request("PROPFIND", a.calendar, None, {"Depth": "0"})
        for method in ("PUT", "DELETE"):
            u = load.upload(t, work, a.calendar, work, names, a.concurrency, 600, method=method,
                            tag="burst-%d" % rnd)
            lat = u.get("latency_us") or {}
            print("round %d idle %.0fs %-6s %7.1f req/s  p50 %6.2f ms  p99 %6.2f ms  cpu/req %s ms  failed %d"
                  % (rnd, a.idle, method, u.get("puts_per_s") or 0, lat.get("p50", 0) / 1000,
                     lat.get("p99", 0) / 1000, u.get("server_cpu_ms_per_req"), u["failed_status"]),
                  flush=True)
            load.wait_idle(t.pid)


if __name__ == "__main__":
    main()
