"""The 50 time-range windows the oracle test asks about.

Most are fixed, chosen for what they probe (hours around DST gaps and folds,
days, weeks, months, the DST-transition weeks of every zone in the calendar,
windows years ahead where only open-ended rules still produce instances); the
last few are drawn from the seed. The generator anchors events, overrides and
boundary cases on the fixed ones, so every window has something to find.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

UTC = timezone.utc


class Window(NamedTuple):
    """A half-open UTC interval [start, end) with a name for the report."""

    name: str
    start: datetime
    end: datetime


def _utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def _month(y: int, mo: int) -> tuple[datetime, datetime]:
    nxt = (y + 1, 1) if mo == 12 else (y, mo + 1)
    return _utc(y, mo, 1), _utc(nxt[0], nxt[1], 1)


def _fixed() -> list[Window]:
    out: list[Window] = []

    def add(name: str, start: datetime, end: datetime) -> None:
        out.append(Window(name, start, end))

    def day(name: str, y: int, mo: int, d: int) -> None:
        add(name, _utc(y, mo, d), _utc(y, mo, d) + timedelta(days=1))

    def week(name: str, y: int, mo: int, d: int, h: int = 0) -> None:
        add(name, _utc(y, mo, d, h), _utc(y, mo, d, h) + timedelta(days=7))

    # Hours.
    add("hour-2025-03-04", _utc(2025, 3, 4, 9), _utc(2025, 3, 4, 10))
    add("hours-2025-06-03", _utc(2025, 6, 3, 8), _utc(2025, 6, 3, 10))
    add("hours-2025-06-05", _utc(2025, 6, 5, 14), _utc(2025, 6, 5, 17))
    add("hours-2025-09-16", _utc(2025, 9, 16, 0), _utc(2025, 9, 16, 6))
    # Starts where a DST-spanning series' exact end falls (RFC 5545 exact duration).
    add("after-dst-span-2025-03-16", _utc(2025, 3, 16, 7), _utc(2025, 3, 16, 9))
    add("hours-2025-11-03", _utc(2025, 11, 3, 13), _utc(2025, 11, 3, 15))
    add("gap-new-york-2025", _utc(2025, 3, 9, 6), _utc(2025, 3, 9, 9))
    add("fold-new-york-2025", _utc(2025, 11, 2, 4), _utc(2025, 11, 2, 7))
    add("gap-europe-2025", _utc(2025, 3, 30, 0), _utc(2025, 3, 30, 3))
    add("fold-europe-2025", _utc(2025, 10, 26, 0), _utc(2025, 10, 26, 3))
    # Days.
    day("day-2025-01-01", 2025, 1, 1)
    day("day-2025-02-28", 2025, 2, 28)
    day("day-2025-06-04", 2025, 6, 4)
    day("day-2025-07-04", 2025, 7, 4)
    day("day-2025-12-25", 2025, 12, 25)
    day("day-2024-02-29", 2024, 2, 29)
    day("day-sydney-dst-end-2025", 2025, 4, 6)
    add("sydney-local-day-2025-10-05", _utc(2025, 10, 4, 14), _utc(2025, 10, 5, 14))
    # Weeks.
    week("week-berlin-2025-06-02", 2025, 6, 1, 22)
    week("week-2025-01-06", 2025, 1, 6)
    week("week-2025-08-11", 2025, 8, 11)
    week("week-new-year-2026", 2025, 12, 29)
    week("week-2024-05-13", 2024, 5, 13)
    week("week-2026-02-23", 2026, 2, 23)
    week("week-2025-05-26", 2025, 5, 26)
    week("week-2025-09-29", 2025, 9, 29)
    # Months.
    for y, mo in ((2025, 2), (2025, 3), (2025, 5), (2025, 10), (2026, 4), (2024, 11)):
        add("month-%04d-%02d" % (y, mo), *_month(y, mo))
    # DST-transition weeks.
    week("dst-week-new-york-spring-2025", 2025, 3, 6)
    week("dst-week-europe-spring-2025", 2025, 3, 27)
    week("dst-week-europe-autumn-2025", 2025, 10, 23)
    week("dst-week-new-york-autumn-2025", 2025, 10, 30)
    week("dst-week-sydney-autumn-2025", 2025, 4, 3)
    week("dst-week-sydney-spring-2025", 2025, 10, 2)
    week("dst-week-new-york-spring-2026", 2026, 3, 5)
    # Far future: only open-ended rules reach these.
    week("future-week-2030-06-03", 2030, 6, 3)
    add("future-month-2031-02", *_month(2031, 2))
    day("future-day-2035-07-16", 2035, 7, 16)
    week("future-week-2040-01-01", 2040, 1, 1)
    day("future-leap-day-2028-02-29", 2028, 2, 29)
    return out


FIXED: tuple[Window, ...] = tuple(_fixed())
"""Windows that do not depend on the seed (the generator anchors on these)."""

# Windows the generator may anchor single events and overrides on: not the far future.
ANCHORS: tuple[Window, ...] = tuple(w for w in FIXED if w.start.year < 2027)

TOTAL = 50


def query_windows(seed: int) -> list[Window]:
    """All 50 windows: the fixed ones, then seeded random ones on whole hours."""
    rng = random.Random("windows-%d" % seed)
    out = list(FIXED)
    base = _utc(2024, 6, 1)
    lengths = (1, 4, 24, 72, 168)
    i = 0
    while len(out) < TOTAL:
        i += 1
        start = base + timedelta(hours=rng.randrange(0, 2 * 365 * 24))
        hours = rng.choice(lengths)
        out.append(Window("random-%d" % i, start, start + timedelta(hours=hours)))
    return out
