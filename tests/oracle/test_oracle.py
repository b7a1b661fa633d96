"""Checks of the oracle itself (no server): the §9.9 rows, the adjustments, determinism.

    /work/venv-oracle/bin/python -m unittest discover -s tests/oracle -p 'test_*.py'
"""

from __future__ import annotations

import unittest
from datetime import datetime, timedelta, timezone

import oracle
from gen_calendar import generate
from windows import TOTAL, query_windows

UTC = timezone.utc


def cal(*lines: str) -> str:
    body = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT", "UID:t", "DTSTAMP:20250101T000000Z"]
    return "\r\n".join(body + list(lines) + ["END:VEVENT", "END:VCALENDAR", ""])


def hits(text: str, lo: datetime, hi: datetime) -> list[str]:
    return oracle.answer([oracle.load("t", text)], lo, hi).instances.get("t", [])


S = datetime(2025, 11, 3, 9, tzinfo=UTC)
E = datetime(2025, 11, 3, 11, tzinfo=UTC)


class TimeRangeRows(unittest.TestCase):
    """RFC 4791 §9.9 VEVENT rows at the window edges."""

    def test_dtend_equal_to_dtstart_on_the_window_start_does_not_match(self) -> None:
        self.assertEqual(hits(cal("DTSTART:20251103T090000Z", "DTEND:20251103T090000Z"), S, E), [])

    def test_zero_duration_on_the_window_start_matches(self) -> None:
        self.assertEqual(hits(cal("DTSTART:20251103T090000Z", "DURATION:PT0S"), S, E), ["2025-11-03T09:00:00Z"])

    def test_no_end_on_the_window_start_matches_and_on_the_end_does_not(self) -> None:
        self.assertEqual(hits(cal("DTSTART:20251103T090000Z"), S, E), ["2025-11-03T09:00:00Z"])
        self.assertEqual(hits(cal("DTSTART:20251103T110000Z"), S, E), [])

    def test_event_ending_on_the_window_start_does_not_match(self) -> None:
        self.assertEqual(hits(cal("DTSTART:20251103T080000Z", "DTEND:20251103T090000Z"), S, E), [])

    def test_date_without_end_lasts_one_utc_day(self) -> None:
        self.assertEqual(hits(cal("DTSTART;VALUE=DATE:20251102"), S, E), [])
        self.assertEqual(hits(cal("DTSTART;VALUE=DATE:20251103"), S, E), ["2025-11-03T00:00:00Z"])

    def test_floating_is_evaluated_in_utc(self) -> None:
        self.assertEqual(hits(cal("DTSTART:20251103T103000", "DURATION:PT1H"), S, E), ["2025-11-03T10:30:00Z"])


class Adjustments(unittest.TestCase):
    """A2: exact durations across DST changes."""

    def test_duration_across_a_dst_change_is_exact(self) -> None:
        # 23:30 GMT + PT3H = 02:30Z; wall-clock arithmetic would give 02:30 BST = 01:30Z.
        text = cal("DTSTART;TZID=Europe/London:20250329T233000", "DURATION:PT3H")
        lo = datetime(2025, 3, 30, 2, tzinfo=UTC)
        self.assertEqual(hits(text, lo, lo + timedelta(hours=1)), ["2025-03-29T23:30:00Z"])

    def test_dst_gap_start_uses_the_offset_before_the_gap(self) -> None:
        text = cal("DTSTART;TZID=America/New_York:20250309T023000", "DURATION:PT15M")
        lo = datetime(2025, 3, 9, 7, tzinfo=UTC)
        self.assertEqual(hits(text, lo, lo + timedelta(hours=1)), ["2025-03-09T07:30:00Z"])


class Determinism(unittest.TestCase):
    """The data and the windows depend on the seed only."""

    def test_same_seed_same_bytes(self) -> None:
        self.assertEqual(generate(7), generate(7))
        self.assertNotEqual(generate(7), generate(8))

    def test_fifty_windows(self) -> None:
        self.assertEqual(len(query_windows(7)), TOTAL)
        self.assertEqual(TOTAL, 50)

    def test_every_resource_parses_and_uids_are_unique(self) -> None:
        resources = generate(7)
        self.assertGreaterEqual(len(resources), 280)
        self.assertEqual(len({uid for uid, _ in resources}), len(resources))
        for uid, text in resources:
            self.assertIn("UID:" + uid, text)
            oracle.load(uid, text)


if __name__ == "__main__":
    unittest.main()
