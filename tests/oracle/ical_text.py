"""Small iCalendar text builders for the generator (stdlib only).

A value's "kind" says how it is written: "utc" (…Z), "float" (no zone),
"date" (VALUE=DATE) or an IANA zone name (TZID=…). Times are passed as naive
wall-clock datetimes (or dates for "date") in that kind.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from vtimezones import vtimezone_lines

UTC = timezone.utc


def is_zone(kind: str) -> bool:
    """Whether the kind is a TZID (not utc/float/date)."""
    return kind not in ("utc", "float", "date")


def value_text(value: date | datetime, kind: str) -> str:
    """The value as written after the colon."""
    if kind == "date":
        return value.strftime("%Y%m%d")
    text = value.strftime("%Y%m%dT%H%M%S")
    return text + "Z" if kind == "utc" else text


def prop(name: str, values: list[date | datetime] | date | datetime, kind: str) -> str:
    """A date/date-time property line (one or several values of one kind)."""
    vals = values if isinstance(values, list) else [values]
    params = ""
    if kind == "date":
        params = ";VALUE=DATE"
    elif is_zone(kind):
        params = ";TZID=" + kind
    return "%s%s:%s" % (name, params, ",".join(value_text(v, kind) for v in vals))


def to_utc(value: date | datetime, kind: str) -> datetime:
    """The instant of a value; floating and date values are taken as UTC.

    A local time in a DST gap gets the offset before the gap (zoneinfo's fold=0),
    and one in a fold its first occurrence, as RFC 5545 §3.3.5 says.
    """
    if kind == "date":
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    assert isinstance(value, datetime)
    if is_zone(kind):
        return value.replace(tzinfo=ZoneInfo(kind), fold=0).astimezone(UTC)
    return value.replace(tzinfo=UTC)


def from_utc(instant: datetime, kind: str) -> date | datetime:
    """The wall-clock value of a UTC instant in a kind (date kinds keep the UTC date)."""
    if kind == "date":
        return instant.date()
    if is_zone(kind):
        return instant.astimezone(ZoneInfo(kind)).replace(tzinfo=None)
    return instant.replace(tzinfo=None)


def duration_text(delta: timedelta, days_only: bool) -> str:
    """An RFC 5545 DURATION: P<n>D for dates, PT<h>H<m>M (exact) for times."""
    if days_only:
        return "P%dD" % delta.days
    secs = int(delta.total_seconds())
    if secs == 0:
        return "PT0S"
    h, rest = divmod(secs, 3600)
    m = rest // 60
    out = "PT"
    if h:
        out += "%dH" % h
    if m:
        out += "%dM" % m
    return out


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 sequence."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts: list[str] = []
    limit = 75
    while raw:
        cut = min(limit, len(raw))
        while cut < len(raw) and (raw[cut] & 0xC0) == 0x80:
            cut -= 1
        parts.append(raw[:cut].decode("utf-8"))
        raw = raw[cut:]
        limit = 74
    return "\r\n ".join(parts)


def calendar(body: list[str], zones: set[str]) -> str:
    """A VCALENDAR with the given component lines and the VTIMEZONEs they use."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Kairos//oracle test//EN", "CALSCALE:GREGORIAN"]
    for tzid in sorted(zones):
        lines.extend(vtimezone_lines(tzid))
    lines.extend(body)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
