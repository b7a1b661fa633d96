#!/usr/bin/env python3
"""Independent-oracle agreement test for CalDAV time-range queries and expand.

    python tests/oracle/run.py --url http://127.0.0.1:5300/ --user alice --password alice-pass

1. generates a seeded recurrence-heavy calendar (gen_calendar.py, ~300 resources);
2. discovers the calendar home (current-user-principal -> calendar-home-set),
   MKCALENDARs a fresh `oracle-<random>` there and PUTs every resource;
3. for each of 50 windows (windows.py) sends a calendar-query REPORT with a
   VEVENT time-range and compares the returned UIDs with the oracle
   (oracle.py: recurring-ical-events + the RFC 4791 §9.9 rule), then the same
   query with <C:expand> and compares, per UID, the instance start times in UTC;
4. prints every disagreement with the window and both answers, a summary, and
   exits 1 if there was any (2 on a setup error). The calendar is deleted at the
   end unless --keep.

docs/oracle.md says what is compared and lists the documented adjustments.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime

import icalendar

import oracle
from caldav_client import CALDAV, Client, DavError
from gen_calendar import generate
from windows import Window, query_windows


def _fmt(t: datetime) -> str:
    return t.strftime("%Y%m%dT%H%M%SZ")


def query_xml(w: Window, expand: bool) -> str:
    """A calendar-query: VEVENT time-range, getetag, and calendar-data with expand if asked."""
    data = ""
    if expand:
        data = '<C:calendar-data><C:expand start="%s" end="%s"/></C:calendar-data>' % (_fmt(w.start), _fmt(w.end))
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
        "<D:prop><D:getetag/>%s</D:prop>"
        '<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
        '<C:time-range start="%s" end="%s"/>'
        "</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"
    ) % (data, _fmt(w.start), _fmt(w.end))


@dataclass
class Outcome:
    """Counters and the disagreement report."""

    checks: int = 0
    failed_checks: int = 0
    instances_compared: int = 0
    uids_compared: int = 0
    adjusted: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    involved: set[str] = field(default_factory=set)
    records: list[dict] = field(default_factory=list)


def uid_of_href(href: str) -> str:
    """Resources are PUT as <uid>.ics, so the last path segment names the UID."""
    name = href.rstrip("/").rsplit("/", 1)[-1]
    return name[:-4] if name.endswith(".ics") else name


def describe(inst_list: list[oracle.Instance], w: Window, limit: int = 3) -> str:
    """The instances nearest the window, for the context of an extra/missing UID."""
    if not inst_list:
        return "no instance within 60 days of the window"
    ranked = sorted(inst_list, key=lambda i: min(abs((i.start - w.start).total_seconds()), abs((i.start - w.end).total_seconds())))
    return "; ".join("%s..%s" % (oracle.instant_key(i.start), oracle.instant_key(i.end)) for i in ranked[:limit])


def expanded_instances(found, problems: dict[str, list[str]]) -> dict[str, list[str]]:
    """uid -> sorted instance starts (UTC keys) from expanded calendar-data.

    RFC 4791 §9.6.5 violations are collected in problems: kind -> examples.
    """
    out: dict[str, list[str]] = {}

    def note(kind: str, example: str) -> None:
        problems.setdefault(kind, []).append(example)

    for f in found:
        el = f.props.get("{%s}calendar-data" % CALDAV)
        if el is None or not (el.text or "").strip():
            note("no calendar-data", f.href)
            continue
        try:
            cal = icalendar.Calendar.from_ical(el.text)
        except ValueError as err:
            note("unparsable calendar-data", "%s: %s" % (f.href, err))
            continue
        if cal.walk("VTIMEZONE"):
            note("VTIMEZONE kept in expanded data", uid_of_href(f.href))
        for comp in cal.walk("VEVENT"):
            uid = str(comp.get("UID", uid_of_href(f.href)))
            for name in ("RRULE", "RDATE", "EXDATE"):
                if name in comp:
                    note("%s kept in expanded data" % name, uid)
            if "DTSTART" not in comp:
                note("expanded VEVENT without DTSTART", uid)
                continue
            prop = comp["DTSTART"]
            value = prop.dt
            if isinstance(value, datetime) and value.tzinfo is not None and ("TZID" in prop.params or value.utcoffset()):
                note("DTSTART with a TZID, not UTC", "%s %s" % (uid, prop.to_ical().decode()))
            out.setdefault(uid, []).append(oracle.instant_key(value))
    return {uid: sorted(v) for uid, v in out.items()}


def compare_window(client: Client, cal: str, resources: list[oracle.Resource], w: Window, expand: bool, res: Outcome, max_diffs: int) -> None:
    """Both checks for one window."""
    ans = oracle.answer(resources, w.start, w.end)
    for uid, start, verdict, tag in ans.adjusted:
        res.adjusted.append("%s %s %s %s: RFC says %s, the library alone would say %s" % (tag, w.name, uid, start, verdict, not verdict))
    head = "%s [%s, %s)" % (w.name, oracle.instant_key(w.start), oracle.instant_key(w.end))
    record = {"window": w.name, "start": _fmt(w.start), "end": _fmt(w.end), "oracle_uids": len(ans.uids)}

    # 1. time-range: the set of UIDs.
    res.checks += 1
    problem: list[str] = []
    try:
        found = client.multistatus("REPORT", cal, query_xml(w, False), "1")
        got = [uid_of_href(f.href) for f in found if f.href.endswith(".ics")]
        got_set = set(got)
        if len(got) != len(got_set):
            problem.append("  duplicate hrefs in the answer")
        missing = sorted(ans.uids - got_set)
        extra = sorted(got_set - ans.uids)
        res.uids_compared += len(ans.uids | got_set)
        for uid in missing[:max_diffs]:
            problem.append("  missing %s: oracle instances in window: %s" % (uid, ", ".join(ans.instances[uid])))
        for uid in extra[:max_diffs]:
            problem.append("  extra   %s: oracle has no instance overlapping; nearest: %s" % (uid, describe(ans.near.get(uid, []), w)))
        if len(missing) + len(extra) > 2 * max_diffs:
            problem.append("  ... (%d missing, %d extra in all)" % (len(missing), len(extra)))
        res.involved.update(missing + extra)
        record.update(server_uids=len(got_set), missing=missing, extra=extra)
    except DavError as err:
        problem.append("  request failed: %s" % err)
        record.update(error=str(err))
    if problem:
        res.failed_checks += 1
        res.lines.append("DISAGREE time-range %s: oracle %d UIDs" % (head, len(ans.uids)))
        res.lines.extend(problem)

    if not expand:
        res.records.append(record)
        return
    # 2. expand: instance starts per UID.
    res.checks += 1
    problem = []
    try:
        found = client.multistatus("REPORT", cal, query_xml(w, True), "1")
        fmt_issues: dict[str, list[str]] = {}
        got_inst = expanded_instances(found, fmt_issues)
        for kind, examples in sorted(fmt_issues.items()):
            problem.append("  format (RFC 4791 §9.6.5): %s: %d times, e.g. %s" % (kind, len(examples), "; ".join(examples[:3])))
        diffs = []
        for uid in sorted(set(ans.instances) | set(got_inst)):
            want = ans.instances.get(uid, [])
            have = got_inst.get(uid, [])
            res.instances_compared += max(len(want), len(have))
            if want != have:
                diffs.append(uid)
                only_o = sorted(set(want) - set(have)) or "-"
                only_s = sorted(set(have) - set(want)) or "-"
                problem.append("  %s: oracle %d instances, server %d; only oracle: %s; only server: %s" % (uid, len(want), len(have), only_o, only_s))
        if len(problem) > max_diffs + 1:
            problem = problem[: max_diffs + 1] + ["  ... (%d UIDs differ in all)" % len(diffs)]
        res.involved.update(diffs)
        record.update(expand_uids_differ=diffs, expand_format={k: len(v) for k, v in fmt_issues.items()})
    except DavError as err:
        problem.append("  request failed: %s" % err)
        record.update(expand_error=str(err))
    if problem:
        res.failed_checks += 1
        res.lines.append("DISAGREE expand %s" % head)
        res.lines.extend(problem)
    res.records.append(record)


def key_lines(text: str) -> list[str]:
    """The lines of a resource that decide its instances, for the appendix."""
    keep = ("DTSTART", "DTEND", "DURATION", "RRULE", "EXDATE", "RDATE", "RECURRENCE-ID", "STATUS", "BEGIN:VEVENT", "BEGIN:VTODO")
    unfolded = text.replace("\r\n ", "").splitlines()
    out, in_tz = [], False
    for line in unfolded:
        if line.startswith("BEGIN:VTIMEZONE"):
            in_tz = True
        elif line.startswith("END:VTIMEZONE"):
            in_tz = False
        elif not in_tz and line.startswith(keep):
            out.append(line)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="server root URL (discovery starts there)")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-expand", action="store_true", help="skip the expand comparison")
    ap.add_argument("--keep", action="store_true", help="do not delete the calendar afterwards")
    ap.add_argument("--max-diffs", type=int, default=15, help="lines of detail per window and check")
    ap.add_argument("--json", help="write per-window results here")
    ap.add_argument("--oracle-only", action="store_true", help="no server: print the oracle's answers per window")
    ap.add_argument("--exclude", action="append", default=[], metavar="REGEX",
                    help="leave out resources whose UID or text matches REGEX (to look past a known peer failure)")
    args = ap.parse_args()

    t0 = time.monotonic()
    drop = [re.compile(x, re.M) for x in args.exclude]
    texts = [(uid, text) for uid, text in generate(args.seed) if not any(d.search(uid + "\n" + text) for d in drop)]
    resources = [oracle.load(uid, text) for uid, text in texts]
    windows = query_windows(args.seed)
    if args.oracle_only:
        total = 0
        for w in windows:
            ans = oracle.answer(resources, w.start, w.end)
            n = sum(len(v) for v in ans.instances.values())
            total += n
            print("%-36s %4d UIDs %5d instances %d adjusted" % (w.name, len(ans.uids), n, len(ans.adjusted)))
        print("oracle only: %d resources, %d windows, %d instances" % (len(texts), len(windows), total))
        return 0
    if not args.url:
        ap.error("--url is required (or --oracle-only)")

    client = Client(args.url, args.user, args.password)
    try:
        home = client.calendar_home()
        cal = home + "oracle-%s/" % secrets.token_hex(4)
        client.make_calendar(cal)
        t_up = time.monotonic()
        for uid, text in texts:
            client.put(cal + uid + ".ics", text)
        t_up = time.monotonic() - t_up
    except DavError as err:
        print("oracle: setup failed: %s" % err, file=sys.stderr)
        return 2
    print("oracle: %d resources PUT into %s in %.1f s" % (len(texts), cal, t_up))

    out = Outcome()
    t_q = time.monotonic()
    for w in windows:
        compare_window(client, cal, resources, w, not args.no_expand, out, args.max_diffs)
    t_q = time.monotonic() - t_q

    if not args.keep:
        client.delete(cal)
    client.close()

    for line in out.lines:
        print(line)
    if out.involved:
        by_uid = dict(texts)
        print("\nresources involved in disagreements:")
        for uid in sorted(out.involved):
            if uid in by_uid:
                print("  %s\n    %s" % (uid, "\n    ".join(key_lines(by_uid[uid]))))
    if out.adjusted:
        print("\nRFC adjustments that changed the library's verdict (see oracle.py / docs/oracle.md):")
        for line in out.adjusted:
            print("  " + line)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"url": args.url, "calendar": cal, "seed": args.seed, "windows": out.records,
                       "adjusted": out.adjusted}, fh, indent=1)
    print(
        "\noracle summary: %d resources, %d windows, %d queries (%.1f s), %d UID decisions and %d instances compared, "
        "%d verdicts set by RFC adjustments, %d checks disagree (%.1f s in all)"
        % (len(texts), len(windows), out.checks, t_q, out.uids_compared, out.instances_compared,
           len(out.adjusted), out.failed_checks, time.monotonic() - t0)
    )
    print("oracle: %d passed, %d failed" % (out.checks - out.failed_checks, out.failed_checks))
    return 1 if out.failed_checks else 0


if __name__ == "__main__":
    sys.exit(main())
