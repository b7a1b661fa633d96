#!/usr/bin/env python3
"""Deterministic recurrence-heavy calendar for the oracle test (stdlib only).

`generate(seed)` returns ~300 resources (one iCalendar object each) that depend
only on the seed: single timed events (UTC, TZID, floating), all-day events,
zero-duration events and events that touch a query window's edges exactly,
DAILY / WEEKLY (BYDAY) / MONTHLY (BYMONTHDAY, 2TU, -1FR, BYSETPOS=-1) / YEARLY
series with COUNT, UNTIL (UTC, sometimes exactly on an instance) or open end,
INTERVAL, EXDATE, RDATE, RECURRENCE-ID overrides moved into and out of the
query windows (some cancelled, some RANGE=THISANDFUTURE, some without their
master), series at local times that fall into DST gaps and folds, DTEND/DURATION
spans that cross a DST change, and a few VTODOs (which a VEVENT query must
never return). Zones: America/New_York, Europe/London, Europe/Berlin,
Australia/Sydney, Asia/Kolkata, each with its VTIMEZONE.

    python gen_calendar.py --seed 7 --out DIR     # writes DIR/<uid>.ics
"""

from __future__ import annotations

import argparse
import os
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ical_text import calendar, duration_text, escape, from_utc, is_zone, prop, to_utc, value_text
from vtimezones import ZONES
from windows import ANCHORS, Window

When = date | datetime  # naive wall-clock datetime, or a date for kind "date"
DTSTAMP = "DTSTAMP:20250101T000000Z"
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass
class Override:
    """A RECURRENCE-ID component: instance `rid` of the master, now at `start`."""

    rid: When
    start: When
    length: timedelta | None = None  # None: the master's length
    cancelled: bool = False
    this_and_future: bool = False


@dataclass
class Item:
    """One resource: a master component (maybe recurring) and its overrides."""

    uid: str
    kind: str
    start: When
    length: timedelta | None
    style: str = "dtend"  # dtend | duration | none; for VTODO: due | due-only | start-only
    component: str = "VEVENT"
    rrule: str | None = None
    exdates: list[When] = field(default_factory=list)
    rdates: list[When] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    has_master: bool = True
    summary: str = ""


# ---------------------------------------------------------------- rendering


def _span_lines(kind: str, start: When, length: timedelta | None, style: str, component: str) -> list[str]:
    lines = [prop("DTSTART", start, kind)] if style != "due-only" else []
    if length is None:
        return lines
    if style == "dtend":
        lines.append(prop("DTEND", start + length, kind))
    elif style == "duration":
        lines.append("DURATION:" + duration_text(length, kind == "date"))
    elif style in ("due", "due-only"):
        lines.append(prop("DUE", start + length, kind))
    return lines


def render(item: Item) -> str:
    """The iCalendar text of one resource (CRLF, folded)."""
    body: list[str] = []
    if item.has_master:
        body += ["BEGIN:" + item.component, "UID:" + item.uid, DTSTAMP]
        body += _span_lines(item.kind, item.start, item.length, item.style, item.component)
        if item.rrule:
            body.append("RRULE:" + item.rrule)
        if item.exdates:
            body.append(prop("EXDATE", sorted(item.exdates), item.kind))
        if item.rdates:
            body.append(prop("RDATE", sorted(item.rdates), item.kind))
        body.append("SUMMARY:" + escape(item.summary or item.uid))
        body.append("END:" + item.component)
    for ov in item.overrides:
        rid = prop("RECURRENCE-ID", ov.rid, item.kind)
        if ov.this_and_future:
            rid = rid.replace("RECURRENCE-ID", "RECURRENCE-ID;RANGE=THISANDFUTURE", 1)
        length = item.length if ov.length is None else ov.length
        body += ["BEGIN:" + item.component, "UID:" + item.uid, DTSTAMP, rid, "SEQUENCE:1"]
        body += _span_lines(item.kind, ov.start, length, item.style, item.component)
        body.append("SUMMARY:" + escape("%s (moved from %s)" % (item.summary or item.uid, value_text(ov.rid, item.kind))))
        if ov.cancelled:
            body.append("STATUS:CANCELLED")
        body.append("END:" + item.component)
    zones = {item.kind} if is_zone(item.kind) else set()
    return calendar(body, zones)


# ---------------------------------------------------------------- calendar arithmetic


def _add_months(value: When, months: int, day: int | None = None) -> When | None:
    """value moved by whole months (day kept, or `day`); None when that day does not exist."""
    y, m = divmod(value.month - 1 + months, 12)
    y, m = value.year + y, m + 1
    try:
        return value.replace(year=y, month=m, day=day or value.day)
    except ValueError:
        return None


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th (negative: from the end) given weekday of a month."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = date(year + month // 12, month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7 + 7 * (-n - 1))


def _last_workday(year: int, month: int) -> date:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    while last.weekday() > 4:
        last -= timedelta(days=1)
    return last


def _with_date(value: When, d: date) -> When:
    if isinstance(value, datetime):
        return value.replace(year=d.year, month=d.month, day=d.day)
    return d


# ---------------------------------------------------------------- the generator


class Generator:
    """Builds the resources; every choice comes from one seeded RNG."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random("oracle-calendar-%d" % seed)
        self.items: list[Item] = []
        self.counter = 0

    # -- helpers

    def uid(self, tag: str) -> str:
        self.counter += 1
        return "oracle-%03d-%s" % (self.counter, tag)

    def timed_kind(self) -> str:
        r = self.rng.random()
        if r < 0.25:
            return "utc"
        if r < 0.35:
            return "float"
        return self.rng.choice(ZONES)

    def window(self, min_hours: float = 0) -> Window:
        pool = [w for w in ANCHORS if (w.end - w.start) >= timedelta(hours=min_hours)]
        return self.rng.choice(pool)

    def instant_near(self, w: Window) -> datetime:
        """A UTC instant on a 30-minute grid in or just around the window."""
        slots = int((w.end - w.start).total_seconds() // 1800)
        return w.start + timedelta(minutes=30 * self.rng.randrange(-3, slots + 3))

    def length(self) -> timedelta:
        return timedelta(minutes=self.rng.choice((15, 30, 45, 60, 60, 90, 120, 180, 480, 1560)))

    def style(self) -> str:
        return self.rng.choice(("dtend", "dtend", "dtend", "duration"))

    def add(self, item: Item) -> Item:
        self.items.append(item)
        return item

    # -- single events

    def singles(self) -> None:
        for tag, n, kinds in (("single-utc", 24, ("utc",)), ("single-tz", 36, ZONES), ("single-float", 10, ("float",))):
            for _ in range(n):
                kind = self.rng.choice(kinds)
                start = from_utc(self.instant_near(self.window()), kind)
                self.add(Item(self.uid(tag), kind, start, self.length(), self.style()))
        for _ in range(26):
            w = self.window(24)
            day = (w.start + timedelta(days=self.rng.randrange(-2, max(1, (w.end - w.start).days) + 2))).date()
            r = self.rng.random()
            if r < 0.55:
                self.add(Item(self.uid("allday"), "date", day, timedelta(days=1)))
            elif r < 0.8:
                self.add(Item(self.uid("allday-multi"), "date", day, timedelta(days=self.rng.randrange(2, 5))))
            elif r < 0.9:
                self.add(Item(self.uid("allday-duration"), "date", day, timedelta(days=2), "duration"))
            else:
                self.add(Item(self.uid("allday-no-end"), "date", day, None, "none"))
        for _ in range(4):  # long timed events spanning whole windows
            kind = self.timed_kind()
            w = self.window(24)
            start = from_utc(w.start - timedelta(days=self.rng.randrange(1, 20), hours=self.rng.randrange(24)), kind)
            self.add(Item(self.uid("long"), kind, start, timedelta(days=self.rng.randrange(25, 50)), "dtend"))

    def edges(self) -> None:
        """Events exactly on window boundaries: RFC 4791 §9.9's strict and non-strict comparisons."""
        for i in range(14):
            w = self.window()
            at = w.start if i % 2 == 0 else w.end  # at the start: in; at the end: out
            kind = self.rng.choice(("utc",) + ZONES)
            style, length = (("none", None), ("dtend", timedelta(0)), ("duration", timedelta(0)))[i % 3]
            self.add(Item(self.uid("zero-duration"), kind, from_utc(at, kind), length, style))
        for i in range(10):
            w = self.window()
            kind = self.rng.choice(("utc",) + ZONES)
            length = self.length()
            if i % 2 == 0:  # ends exactly where the window starts: out
                self.add(Item(self.uid("ends-at-start"), kind, from_utc(w.start - length, kind), length, self.style()))
            else:  # starts exactly where the window ends: out
                self.add(Item(self.uid("starts-at-end"), kind, from_utc(w.end, kind), length, self.style()))

    # -- series

    def ending(self, item: Item, step) -> None:
        """COUNT, UNTIL (UTC for zoned/UTC starts, sometimes exactly an instance) or open."""
        r = self.rng.random()
        if r < 0.35:
            item.rrule += ";COUNT=%d" % self.rng.randrange(3, 60)
        elif r < 0.7:
            k = self.rng.randrange(2, 40)
            exact = step is not None and self.rng.random() < 0.5
            last = step(k) if exact else None
            if last is None:
                last = item.start + timedelta(days=self.rng.randrange(20, 400), hours=self.rng.randrange(24) if item.kind != "date" else 0)
            if item.kind in ("date", "float"):
                until = value_text(last, item.kind)
            else:
                until = value_text(to_utc(last, item.kind).replace(tzinfo=None), "utc")
            item.rrule += ";UNTIL=" + until
        # else: open-ended

    def decorate(self, item: Item, step) -> None:
        """EXDATEs, RDATEs and overrides on known instances (step(k) = k-th instance)."""
        if step is None:
            return
        count = None
        if "COUNT=" in (item.rrule or ""):
            count = int(item.rrule.split("COUNT=")[1].split(";")[0])
        # Instances within the first year or so: overrides far in the future add nothing.
        freq = (item.rrule or "").split(";")[0]
        cap = {"FREQ=YEARLY": 3, "FREQ=MONTHLY": 14}.get(freq, 40)
        top = min(count - 1 if count else cap, cap)
        if top < 2:
            return
        used: set[int] = set()

        def pick() -> int | None:
            for _ in range(10):
                k = self.rng.randrange(1, top + 1)
                if k not in used and step(k) is not None:
                    used.add(k)
                    return k
            return None

        if self.rng.random() < 0.3:
            for _ in range(self.rng.randrange(1, 4)):
                k = pick()
                if k is not None:
                    item.exdates.append(step(k))
        if self.rng.random() < 0.12:
            base = item.start + timedelta(days=self.rng.randrange(1, 200))
            if isinstance(base, datetime):
                base = base.replace(hour=self.rng.randrange(6, 22), minute=self.rng.choice((0, 30)))
            item.rdates.append(base)
            if self.rng.random() < 0.3:  # an RDATE equal to an RRULE instance: counted once
                k = pick()
                if k is not None:
                    item.rdates.append(step(k))
        if self.rng.random() < 0.3:
            for _ in range(self.rng.randrange(1, 3)):
                k = pick()
                if k is None:
                    continue
                rid = step(k)
                mode = self.rng.random()
                if mode < 0.45:  # moved into an anchor window
                    w = self.window()
                    new = from_utc(self.instant_near(w), item.kind) if item.kind != "date" else w.start.date()
                    item.overrides.append(Override(rid, new))
                elif mode < 0.75:  # moved away by days (out of whatever window held it)
                    item.overrides.append(Override(rid, rid + timedelta(days=self.rng.choice((-9, -3, 2, 5, 11)))))
                elif mode < 0.9:  # same slot, cancelled: still an instance for time-range
                    item.overrides.append(Override(rid, rid, cancelled=True))
                else:  # same day, other length
                    shift = timedelta(hours=2) if isinstance(rid, datetime) else timedelta(0)
                    item.overrides.append(Override(rid, rid + shift, timedelta(hours=5) if isinstance(rid, datetime) else timedelta(days=2)))

    def anchored_start(self, kind: str, step_days: int, k: int) -> When:
        """A start such that instance k (k*step_days later, wall clock) lands in an anchor window."""
        w = self.window(24) if kind == "date" else self.window()
        t = self.instant_near(w)
        local = from_utc(t, kind)
        return local - timedelta(days=step_days * k)

    def daily(self, n: int) -> None:
        for _ in range(n):
            kind = self.rng.choice(("date",) + ("float",) + ("utc",) * 2 + ZONES * 2)
            interval = self.rng.choice((1, 1, 1, 2, 3))
            k = self.rng.randrange(0, 30)
            start = self.anchored_start(kind, interval, k)
            length = timedelta(days=1) if kind == "date" else self.length()
            item = self.add(Item(self.uid("daily"), kind, start, length, self.style() if kind != "date" else "dtend"))
            item.rrule = "FREQ=DAILY" + (";INTERVAL=%d" % interval if interval > 1 else "")

            def step(j: int, s=start, i=interval) -> When:
                return s + timedelta(days=i * j)

            self.ending(item, step)
            self.decorate(item, step)

    def weekly(self, n: int) -> None:
        for _ in range(n):
            kind = self.rng.choice(("date",) + ("float",) + ("utc",) * 2 + ZONES * 2)
            interval = self.rng.choice((1, 1, 2))
            k = self.rng.randrange(0, 12)
            start = self.anchored_start(kind, 7 * interval, k)
            own = start.weekday()
            days = sorted({own} | set(self.rng.sample(range(7), self.rng.randrange(0, 3))))
            length = timedelta(days=1) if kind == "date" else self.length()
            item = self.add(Item(self.uid("weekly"), kind, start, length, self.style() if kind != "date" else "dtend"))
            item.rrule = "FREQ=WEEKLY" + (";INTERVAL=%d" % interval if interval > 1 else "")
            item.rrule += ";BYDAY=" + ",".join(WEEKDAYS[d] for d in days)
            if self.rng.random() < 0.2:
                item.rrule += ";WKST=SU"

            def step(j: int, s=start, i=interval) -> When:
                return s + timedelta(days=7 * i * j)

            self.ending(item, step)
            self.decorate(item, step)

    def monthly(self, n: int) -> None:
        for i in range(n):
            kind = self.rng.choice(("float",) + ("utc",) * 2 + ZONES * 2)
            year, month = self.rng.choice(((2024, 10), (2024, 12), (2025, 1), (2025, 2), (2025, 4)))
            tod = datetime(2000, 1, 1, self.rng.randrange(7, 21), self.rng.choice((0, 30)))
            variant = i % 6
            if variant in (0, 1):  # BYMONTHDAY within every month
                md = self.rng.randrange(1, 29)
                start = datetime(year, month, md, tod.hour, tod.minute)
                rule = "FREQ=MONTHLY;BYMONTHDAY=%d" % md

                def step(j: int, s=start) -> When | None:
                    return _add_months(s, j)

            elif variant == 2:  # BYMONTHDAY=31 / 30 / -1: months without the day are skipped
                md, start_day = self.rng.choice(((31, date(2025, 1, 31)), (31, date(2024, 10, 31)),
                                                 (30, date(2025, 4, 30)), (-1, date(2025, 2, 28)),
                                                 (-1, date(2024, 11, 30))))
                start = datetime(start_day.year, start_day.month, start_day.day, tod.hour, tod.minute)
                rule = "FREQ=MONTHLY;BYMONTHDAY=%d" % md
                step = None  # which months have the day is the rule's business, not ours
            elif variant == 3:  # 2nd Tuesday
                d = _nth_weekday(year, month, 1, 2)
                start = datetime(d.year, d.month, d.day, tod.hour, tod.minute)
                rule = "FREQ=MONTHLY;BYDAY=2TU"

                def step(j: int, s=start) -> When:
                    mv = _add_months(s, j, 1)
                    return _with_date(s, _nth_weekday(mv.year, mv.month, 1, 2))

            elif variant == 4:  # last Friday
                d = _nth_weekday(year, month, 4, -1)
                start = datetime(d.year, d.month, d.day, tod.hour, tod.minute)
                rule = "FREQ=MONTHLY;BYDAY=-1FR"

                def step(j: int, s=start) -> When:
                    mv = _add_months(s, j, 1)
                    return _with_date(s, _nth_weekday(mv.year, mv.month, 4, -1))

            else:  # last working day
                d = _last_workday(year, month)
                start = datetime(d.year, d.month, d.day, tod.hour, tod.minute)
                rule = "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"

                def step(j: int, s=start) -> When:
                    mv = _add_months(s, j, 1)
                    return _with_date(s, _last_workday(mv.year, mv.month))

            if self.rng.random() < 0.2 and variant in (0, 1):
                rule += ";INTERVAL=2"
                base_step = step

                def step(j: int, b=base_step) -> When | None:
                    return b(2 * j)

            item = self.add(Item(self.uid("monthly"), kind, start, self.length(), self.style(), rrule=rule))
            self.ending(item, step)
            self.decorate(item, step)

    def yearly(self, n: int) -> None:
        for i in range(n):
            if i % 3 != 2:  # all-day anniversaries, one on 29 February
                d = date(2024, 2, 29) if i == 0 else date(self.rng.choice((2023, 2024, 2025)), self.rng.randrange(1, 13), self.rng.randrange(1, 29))
                item = self.add(Item(self.uid("yearly-allday"), "date", d, timedelta(days=1), rrule="FREQ=YEARLY"))

                def step(j: int, s=d) -> When | None:
                    try:
                        return s.replace(year=s.year + j)
                    except ValueError:
                        return None

            else:  # on a DST-change Sunday, at a local time in the gap or fold
                zone, month, nth, tod = self.rng.choice(
                    (("America/New_York", 3, 2, (2, 30)), ("America/New_York", 11, 1, (1, 30)),
                     ("Europe/Berlin", 3, -1, (2, 30)), ("Europe/Berlin", 10, -1, (2, 30)),
                     ("Europe/London", 3, -1, (1, 30)), ("Australia/Sydney", 10, 1, (2, 30)))
                )
                d = _nth_weekday(2024, month, 6, nth)
                start = datetime(d.year, d.month, d.day, *tod)
                rule = "FREQ=YEARLY;BYMONTH=%d;BYDAY=%d%s" % (month, nth, "SU")
                item = self.add(Item(self.uid("yearly-dst-day"), zone, start, timedelta(hours=1), "dtend", rrule=rule))
                step = None
            self.ending(item, step)
            self.decorate(item, step)

    def dst_series(self) -> None:
        """Daily/weekly series whose local time falls into a DST gap or fold on the change day."""
        cases = (
            ("America/New_York", datetime(2025, 3, 1, 2, 30), "gap"),
            ("America/New_York", datetime(2025, 10, 25, 1, 30), "fold"),
            ("Europe/Berlin", datetime(2025, 3, 22, 2, 30), "gap"),
            ("Europe/Berlin", datetime(2025, 10, 19, 2, 30), "fold"),
            ("Europe/London", datetime(2025, 3, 23, 1, 30), "gap"),
            ("Europe/London", datetime(2025, 10, 20, 1, 15), "fold"),
            ("Australia/Sydney", datetime(2025, 9, 28, 2, 30), "gap"),
            ("Australia/Sydney", datetime(2025, 3, 30, 2, 30), "fold"),
            ("America/New_York", datetime(2026, 3, 1, 2, 0), "gap"),
        )
        for zone, start, tag in cases:
            item = self.add(Item(self.uid("daily-dst-" + tag), zone, start, timedelta(minutes=45), self.style()))
            item.rrule = "FREQ=DAILY;COUNT=20"
        for zone, start, tag in cases[:5]:  # the same on Sundays, open-ended
            sunday = start + timedelta(days=(6 - start.weekday()) % 7)
            item = self.add(Item(self.uid("weekly-dst-" + tag), zone, sunday, timedelta(hours=1), "dtend"))
            item.rrule = "FREQ=WEEKLY;BYDAY=SU"
        # DTEND / DURATION across the change: the exact duration rule (RFC 5545 §3.8.5.3, §3.3.6).
        spans = (
            ("America/New_York", datetime(2025, 3, 8, 23, 0), timedelta(hours=5), "dtend"),
            ("Europe/Berlin", datetime(2025, 10, 25, 22, 0), timedelta(hours=6), "dtend"),
            ("Europe/London", datetime(2025, 3, 29, 23, 30), timedelta(hours=3), "duration"),
            ("Australia/Sydney", datetime(2025, 4, 5, 22, 0), timedelta(hours=8), "duration"),
            # 21:00 CEST to 05:00 CET is 9 exact hours; the next Saturday's instance
            # ends at 05:00Z (exact) or 04:00Z (wall clock), right at a window start.
            ("Europe/Berlin", datetime(2025, 10, 25, 21, 0), timedelta(hours=8), "dtend"),
        )
        for zone, start, length, style in spans:
            item = self.add(Item(self.uid("dst-span"), zone, start, length, style))
            item.rrule = "FREQ=WEEKLY;COUNT=4"

    def specials(self) -> None:
        """RANGE=THISANDFUTURE overrides, overrides without a master, VTODOs."""
        for _ in range(3):
            kind = self.rng.choice(ZONES + ("utc",))
            start = self.anchored_start(kind, 1, self.rng.randrange(3, 20))
            item = self.add(Item(self.uid("this-and-future"), kind, start, timedelta(hours=1), "dtend", rrule="FREQ=DAILY;COUNT=30"))
            k = self.rng.randrange(5, 25)
            rid = start + timedelta(days=k)
            item.overrides.append(Override(rid, rid + timedelta(hours=3), this_and_future=True))
        for _ in range(3):
            kind = self.rng.choice(ZONES + ("utc",))
            w = self.window()
            new = from_utc(self.instant_near(w), kind)
            rid = new - timedelta(days=self.rng.choice((1, 7, 30)))
            self.add(Item(self.uid("orphan-override"), kind, rid, timedelta(hours=1), "dtend",
                          overrides=[Override(rid, new)], has_master=False))
        for i in range(12):
            kind = self.timed_kind()
            start = from_utc(self.instant_near(self.window()), kind)
            style = ("due", "due-only", "start-only", "duration")[i % 4]
            length = None if style == "start-only" else timedelta(hours=self.rng.randrange(1, 48))
            item = self.add(Item(self.uid("todo"), kind, start, length, style, component="VTODO"))
            if i % 3 == 0 and style != "due-only":
                item.rrule = "FREQ=WEEKLY;COUNT=10"


def generate(seed: int) -> list[tuple[str, str]]:
    """[(uid, iCalendar text)] for the seed; same seed, same bytes."""
    g = Generator(seed)
    g.singles()
    g.edges()
    g.daily(42)
    g.weekly(44)
    g.monthly(30)
    g.yearly(15)
    g.dst_series()
    g.specials()
    return [(item.uid, render(item)) for item in g.items]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    resources = generate(args.seed)
    for uid, text in resources:
        with open(os.path.join(args.out, uid + ".ics"), "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    print("%d resources -> %s" % (len(resources), args.out))


if __name__ == "__main__":
    main()
