#!/usr/bin/env python3
"""The shared benchmark driver (../shared/bench/load.py) with the query scenarios it lacks.

Same command line as `load.py run`; adds, per target, on the biggest calendar:
  report_freebusy_week  free-busy-query REPORT (RFC 4791 7.10) over the manifest's week
  report_etag_day       calendar-query for one day asking only DAV:getetag (a small answer:
                        what a client syncing a day view sends; on the large set it shows
                        whether cost follows the answer or the calendar)

The shared harness is imported, not copied or edited: its scenarios, rounds, CPU and RSS
accounting and report are used unchanged, so the added rows are comparable with its own.
BENCH_DIR points at the harness (default ../shared/bench next to this repository).
"""
import datetime as dt
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.environ.get("BENCH_DIR", os.path.join(HERE, "..", "..", "shared", "bench"))
sys.path.insert(0, BENCH)
import load  # noqa: E402  (the shared driver)

XML_HDR = {"Content-Type": "application/xml; charset=utf-8"}


def q_freebusy(start, end):
    return ('<?xml version="1.0" encoding="utf-8"?><C:free-busy-query '
            'xmlns:C="urn:ietf:params:xml:ns:caldav"><C:time-range start="%s" end="%s"/>'
            '</C:free-busy-query>' % (start, end))


def q_etag_day(start, end):
    return ('<?xml version="1.0" encoding="utf-8"?><C:calendar-query xmlns:D="DAV:" '
            'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop>'
            '<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
            '<C:time-range start="%s" end="%s"/></C:comp-filter></C:comp-filter></C:filter>'
            '</C:calendar-query>' % (start, end))


def one_day(start):
    """The first day of the manifest's query week, as iCalendar UTC stamps."""
    d0 = dt.datetime.strptime(start, "%Y%m%dT%H%M%SZ")
    return start, (d0 + dt.timedelta(days=1)).strftime("%Y%m%dT%H%M%SZ")


_build = load.build_scenarios


def build_scenarios(t, manifest, data_dir, state, args):
    sc = _build(t, manifest, data_dir, state, args)
    main = max(state["calendars"].values(), key=lambda c: c["count"])
    q = manifest["query_week"]
    hdr = dict(t.headers)
    fb = dict(hdr, **XML_HDR, Depth="1")
    # kind "get": the harness loads only 207 answers and GET-like scenarios, and a
    # free-busy answer is, like a GET, one text/calendar body with 200. `check` routes
    # the probe to the free/busy check below.
    sc.append(dict(name="report_freebusy_week", kind="get", check="freebusy", method="REPORT",
                   paths=[main["path"]], bodies=[q_freebusy(q["start"], q["end"])], headers=fb))
    ds, de = one_day(q["start"])
    sc.append(dict(name="report_etag_day", kind="etag_day", method="REPORT", paths=[main["path"]],
                   bodies=[q_etag_day(ds, de)], headers=fb, collection=main["path"]))
    return sc


_probe_once = load.probe_once


def probe_once(t, sc, timeout):
    if sc.get("check") != "freebusy":
        return _probe_once(t, sc, timeout)
    st, _hdrs, body, elapsed = t.request(sc["method"], sc["paths"][0], sc["bodies"][0], sc["headers"],
                                         timeout=timeout)
    text = body.decode("utf-8", "replace")
    # Unfold, then count FREEBUSY periods: the comparable size of a free/busy answer.
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    periods = sum(len(m.split(":", 1)[1].split(","))
                  for m in re.findall(r"^FREEBUSY[^\r\n]*", unfolded, re.M))
    res = {"status": st, "latency_s": round(elapsed, 4), "bytes": len(body), "count": periods,
           "ok": st == 200 and "BEGIN:VFREEBUSY" in text, "notes": []}
    if not res["ok"]:
        res["notes"].append("status %d, no VFREEBUSY" % st if st != 200 else "no VFREEBUSY")
    return res


load.build_scenarios = build_scenarios
load.probe_once = probe_once

if __name__ == "__main__":
    load.main()
