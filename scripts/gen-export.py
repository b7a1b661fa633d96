#!/usr/bin/env python3
# Writes a kairos-export v1 file to stdout: USERS users, each with a home, CALS calendars
# and EVENTS events per calendar (every 5th recurring), for timing `kairos import` and
# `kairos export` (docs/benchmarks.md). Usage: gen-export.py USERS CALS EVENTS > FILE
import json, sys, random
users, cals, events = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
random.seed(7)
out = sys.stdout
w = lambda r: out.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
w({"format": "kairos-export", "version": 1, "exported_at": "2026-12-02T16:00:00Z", "generator": "gen.py"})
n = {"users": 0, "collections": 0, "objects": 0, "properties": 0}
T = 1_700_000_000_000
for u in range(users):
    name = f"user{u:03d}"
    w({"type": "user", "name": name, "password_hash": "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "created_at": T}); n["users"] += 1
    w({"type": "collection", "owner": name, "path": "", "kind": "home", "created_at": T, "modified_at": T}); n["collections"] += 1
    for c in range(cals):
        path = f"cal{c:02d}"
        w({"type": "collection", "owner": name, "path": path, "kind": "calendar", "created_at": T, "modified_at": T,
           "displayname": f"Calendar {c}", "components": ["VEVENT", "VTODO", "VJOURNAL"]}); n["collections"] += 1
        for e in range(events):
            day = random.randrange(0, 3650)
            y, rest = 2020 + day // 365, day % 365
            m, d = 1 + rest // 31 % 12, 1 + rest % 28
            rule = "RRULE:FREQ=WEEKLY;COUNT=20\r\n" if e % 5 == 0 else ""
            body = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//gen//EN\r\nBEGIN:VEVENT\r\n"
                    f"UID:{name}-{path}-{e}@gen\r\nDTSTAMP:20240101T000000Z\r\n"
                    f"DTSTART:{y}{m:02d}{d:02d}T{random.randrange(7,19):02d}0000Z\r\nDURATION:PT1H\r\n{rule}"
                    f"SUMMARY:Meeting {e} – Zürich\r\nDESCRIPTION:" + ("Lorem ipsum dolor sit amet " * 8) + "\r\n"
                    "END:VEVENT\r\nEND:VCALENDAR\r\n")
            w({"type": "object", "owner": name, "collection": path, "name": f"e{e:06d}.ics",
               "content_type": "text/calendar; charset=utf-8", "created_at": T, "modified_at": T, "text": body}); n["objects"] += 1
w({"type": "end", **n})
