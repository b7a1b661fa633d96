"""The reference answers: recurring-ical-events expands, RFC 4791 §9.9 decides.

recurring-ical-events (with icalendar) computes each resource's VEVENT
instances: RRULE, RDATE, EXDATE, RECURRENCE-ID overrides and
RANGE=THISANDFUTURE, time zones. The library is asked for a window widened by
PAD on both sides, and the overlap with the real window is then decided here by
the RFC 4791 §9.9 VEVENT table on UTC instants. Where that differs from what
the library's own `between()` would have answered, the difference is one of
the adjustments below, and is counted so the summary shows how often each one
mattered.

ADJUSTMENTS (each also in docs/oracle.md):

A1  Floating date-times and DATE values are evaluated in UTC.
    RFC 4791 §5.2.2 / §9.9: floating and date values are resolved with the
    collection's CALDAV:calendar-timezone; "in the absence of this property, the
    server MAY rely on the time zone of their choice". The test's calendar has
    no calendar-timezone and Kairos then uses UTC. The library follows the
    zone of the query bounds, so the bounds are given in UTC: no instance is
    changed by this; it is listed because it is a choice, not a rule.

A2  Instance end = instance start + the exact duration of the component that
    produced it, computed on UTC instants.
    RFC 5545 §3.8.5.3: "If the duration of the recurring component is specified
    with the DTEND or DUE property, then the same exact duration will apply to
    the recurrence set"; §3.3.6: a DURATION's hours/minutes/seconds are exact
    (only D and W parts are nominal; the generator writes nominal parts only on
    DATE events, where UTC days are exact). The library does wall-clock
    arithmetic on zoned datetimes (Python's aware-datetime semantics), so an
    event whose span crosses a DST change gets an end one hour off, and a
    DTEND-DTSTART span that crosses one is carried to the other instances as a
    wall-clock span. Only the end moves; instance starts are the library's.

A3  The §9.9 row is chosen by what the component has, not by the length it
    comes to. RFC 4791 §9.9, VEVENT table: with DTEND the condition is
    (start < DTEND AND end > DTSTART) even when DTEND = DTSTART, so a
    zero-length DTEND event lying exactly on the window start does NOT match;
    with DURATION = 0, or with neither DTEND nor DURATION on a DATE-TIME
    DTSTART, it is (start <= DTSTART AND end > DTSTART), so it does. The
    library treats every zero-length instance as a point (the second rule).
    A DATE DTSTART with neither is (start < DTSTART+P1D AND end > DTSTART).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import icalendar
import recurring_ical_events
from recurring_ical_events.util import time_span_contains_event

UTC = timezone.utc
PAD = timedelta(days=60)  # longer than any generated event


def utc_of(value: date | datetime) -> datetime:
    """A DATE or DATE-TIME as a UTC instant; DATE and floating values are taken as UTC (A1)."""
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def instant_key(value: date | datetime) -> str:
    """How instance starts are compared: ISO UTC, seconds precision."""
    return utc_of(value).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Span:
    """What a component says about its own length, and which §9.9 row applies."""

    exact: timedelta
    row: str  # "dtend" | "duration" | "none" (DATE-TIME, no end) | "none-date"


def span_of(component: icalendar.cal.Component) -> Span:
    """The exact length of a component per RFC 5545 (A2)."""
    start = component["DTSTART"].dt
    if "DTEND" in component:
        return Span(utc_of(component["DTEND"].dt) - utc_of(start), "dtend")
    if "DURATION" in component:
        return Span(component["DURATION"].dt, "duration")
    if isinstance(start, datetime):
        return Span(timedelta(0), "none")
    return Span(timedelta(days=1), "none-date")


@dataclass
class Instance:
    """One VEVENT instance as the oracle sees it."""

    uid: str
    start: datetime  # UTC
    end: datetime  # UTC, per A2
    row: str  # the §9.9 row (A3)
    lib_start: date | datetime
    lib_end: date | datetime
    source: str  # "master", "override", "this-and-future"

    def overlaps(self, lo: datetime, hi: datetime) -> bool:
        """RFC 4791 §9.9, VEVENT rows, on UTC instants (A3 picks the row)."""
        if self.row == "dtend" or self.end > self.start:
            return lo < self.end and hi > self.start
        return lo <= self.start < hi

    def lib_overlaps(self, lo: datetime, hi: datetime) -> bool:
        """What recurring-ical-events itself would have answered."""
        return time_span_contains_event(lo, hi, self.lib_start, self.lib_end)


@dataclass
class Resource:
    """A parsed resource with its VEVENT components indexed for source lookup."""

    uid: str
    text: str
    query: recurring_ical_events.CalendarQuery
    master: icalendar.cal.Component | None
    overrides: dict[datetime, icalendar.cal.Component] = field(default_factory=dict)
    future: list[tuple[datetime, icalendar.cal.Component]] = field(default_factory=list)

    def source(self, rid: date | datetime | None) -> tuple[str, icalendar.cal.Component | None]:
        """The component an instance comes from: its override, a THISANDFUTURE one, or the master."""
        if rid is None:
            return "master", self.master
        key = utc_of(rid)
        if key in self.overrides:
            return "override", self.overrides[key]
        best = None
        for start, comp in self.future:
            if start <= key and (best is None or start > best[0]):
                best = (start, comp)
        if best is not None:
            return "this-and-future", best[1]
        return "master", self.master


def load(uid: str, text: str) -> Resource:
    """Parse one resource with icalendar and prepare the library's query."""
    cal = icalendar.Calendar.from_ical(text)
    res = Resource(uid, text, recurring_ical_events.of(cal, components=["VEVENT"]), None)
    for comp in cal.walk("VEVENT"):
        rid = comp.get("RECURRENCE-ID")
        if rid is None:
            res.master = comp
            continue
        res.overrides[utc_of(rid.dt)] = comp
        if str(rid.params.get("RANGE", "")).upper() == "THISANDFUTURE":
            res.future.append((utc_of(rid.dt), comp))
    return res


def instances_near(res: Resource, lo: datetime, hi: datetime) -> list[Instance]:
    """The resource's instances the library finds in [lo - PAD, hi + PAD)."""
    out: list[Instance] = []
    for comp in res.query.between(lo - PAD, hi + PAD):
        start = comp["DTSTART"].dt
        lib_end = comp["DTEND"].dt if "DTEND" in comp else start
        rid = comp.get("RECURRENCE-ID")
        kind, src = res.source(rid.dt if rid is not None else None)
        span = span_of(src) if src is not None else Span(utc_of(lib_end) - utc_of(start), "dtend")
        s = utc_of(start)
        out.append(Instance(res.uid, s, s + span.exact, span.row, start, lib_end, kind))
    return out


@dataclass
class Answer:
    """The oracle's answer for one window."""

    uids: set[str]
    instances: dict[str, list[str]]  # uid -> sorted instance start keys
    adjusted: list[tuple[str, str, bool, str]]  # (uid, start key, RFC verdict, "A2"/"A3") where the library differs
    near: dict[str, list[Instance]]  # every instance looked at, for diff context


def answer(resources: list[Resource], lo: datetime, hi: datetime) -> Answer:
    """UIDs and instance starts that a VEVENT time-range [lo, hi) must return."""
    ans = Answer(set(), {}, [], {})
    for res in resources:
        near = instances_near(res, lo, hi)
        ans.near[res.uid] = near
        hits = []
        for inst in near:
            verdict = inst.overlaps(lo, hi)
            if verdict != inst.lib_overlaps(lo, hi):
                tag = "A2" if utc_of(inst.lib_end) != inst.end else "A3"
                ans.adjusted.append((res.uid, instant_key(inst.start), verdict, tag))
            if verdict:
                hits.append(instant_key(inst.start))
        if hits:
            ans.uids.add(res.uid)
            ans.instances[res.uid] = sorted(hits)
    return ans
