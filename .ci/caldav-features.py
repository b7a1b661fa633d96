#!/usr/bin/env python3
"""Checks a caldav-server-tester result (features.json) against what Kairos implements.

Every feature Kairos implements must be reported "full". Features of later milestones may
be anything but broken or fragile; everything else must not be broken, fragile or
ungraceful. Update the lists when a milestone lands, never to hide a regression.
"""
import json
import sys

# Implemented: must be "full".
MUST_BE_FULL = """
auth.www-authenticate auth.www-authenticate.usable-scheme calendar-color calendar-order
create-calendar create-calendar.set-displayname create-calendar.stable-url
create-calendar.with-supported-component-types delete-calendar delete-calendar.free-namespace
get-current-user-principal non-existing-raises-not-found.collection
non-existing-raises-not-found.object principal-search principal-search.by-name.self
principal-search.list-all propfind propfind.allprop propfind.allprop.resourcetype
propfind.displayname propfind.principal-depth-1 save-load.event save-load.event.no-dtend
save-load.event.no-summary save-load.event.recurrences save-load.event.recurrences.count
save-load.event.recurrences.exception save-load.event.recurrences.exception.cancelled
save-load.event.recurrences.exception.reschedule save-load.event.timezone save-load.journal
save-load.journal.mixed-calendar save-load.mutable save-load.mutable.attendee-partstat
save-load.mutable.if-match-optional save-load.mutable.if-match-wildcard save-load.todo
save-load.todo.mixed-calendar save-load.todo.recurrences save-load.todo.recurrences.count
save-load.todo.uncomplete save.duplicate-event save.etag save.if-none-match save.no-uid-conflict
search.comp-type search.comp-type.optional search.unlimited-time-range sync-token
sync-token.delete sync-token.invalid-token sync-token.limit sync-token.limit.initial-sync
synchronous-write synchronous-write.create-calendar synchronous-write.delete-calendar
synchronous-write.proppatch url.encode-at.encoded url.encode-at.literal.collection
url.encode-at.literal.object
freebusy-query search.combined-is-logical-and search.is-not-defined
search.is-not-defined.category search.is-not-defined.class search.is-not-defined.dtend
search.recurrences.expanded.event search.recurrences.expanded.exception
search.recurrences.expanded.todo search.recurrences.includes-implicit.event
search.recurrences.includes-implicit.infinite-scope search.recurrences.includes-implicit.todo
search.recurrences.includes-implicit.todo.pending search.text.case-insensitive
search.text.case-sensitive search.text.category search.text.substring search.time-range.alarm
search.time-range.comp-type-optional search.time-range.event search.time-range.event.old-dates
search.time-range.open.end search.time-range.open.start search.time-range.open.start.duration
search.time-range.todo search.time-range.todo.no-dtstart search.time-range.todo.no-dtstart.no-due
search.time-range.todo.old-dates search.time-range.todo.strict
""".split()

# Later milestones (scheduling: the RFC 6638 issue).
PENDING_PREFIXES = ("scheduling",)
PENDING = {"save-load.icalendar.related-to", "save.duplicate-uid.cross-calendar"}

# Deliberate choices, documented in README: colors must be #RRGGBB[AA]; PUT into a missing
# calendar is 409 (RFC 4918), not an implicit MKCALENDAR; %40 and @ name the same resource;
# a prop-filter directly under the VCALENDAR comp-filter tests the VCALENDAR's own
# properties (RFC 4791 §9.7.1), so a SUMMARY filter there matches nothing.
CHOSEN = {
    "calendar-color.name",
    "create-calendar.auto",
    "url.encode-at.identity",
    "search.text.comp-type-optional",
}

BAD = {"broken", "fragile", "ungraceful"}


def main(path):
    features = json.load(open(path))["features"]
    support = {k: v.get("support", "info") for k, v in features.items()}
    problems = []
    for f in MUST_BE_FULL:
        if support.get(f) != "full":
            problems.append(f"{f}: expected full, got {support.get(f, 'missing')}")
    for f, s in sorted(support.items()):
        pending = f in PENDING or f.startswith(PENDING_PREFIXES)
        if pending and s in {"broken", "fragile"}:
            problems.append(f"{f}: {s}")
        elif not pending and f not in CHOSEN and s in BAD:
            problems.append(f"{f}: {s}")
    if problems:
        print("caldav-server-tester expectations not met:")
        for p in problems:
            print("  " + p)
        return 1
    print(f"caldav-server-tester: all {len(MUST_BE_FULL)} implemented features full; nothing broken")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
