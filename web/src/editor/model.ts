// The form model: everything the form holds as plain values, read from the form, turned
// into the API's values, compared with the version loaded, and made into the body of a
// new item or the PATCH of what changed.

import type { Alarm, Scope, When } from "../api";
import { $ } from "../dom";
import { buildRule, withRule } from "../rrule";
import type { Rule } from "../rrule";
import { addDays, dateIn, fromNaive, isZone, naive } from "../tz";
import { app } from "../state";
import { editing, input, readKind, select } from "./context";
import type { Kind } from "./context";
import { alarmOf } from "./reminders";
import type { AlarmRow } from "./reminders";
import { doneFields } from "./tasks";
import { DAY, canonicalZone, fullWall, nowUtc, whenIn } from "./when";

/** Everything the form holds, as plain values (times are wall times in `zone`). */
export interface Model {
  kind: Kind;
  calendar: string;
  title: string;
  location: string;
  description: string;
  allDay: boolean;
  sdate: string;
  stime: string;
  /** The last day (inclusive) when all day. */
  edate: string;
  etime: string;
  ddate: string;
  dtime: string;
  done: boolean;
  /** IANA name, "UTC", "" (floating), or a TZID only the event defines. */
  zone: string;
  rule: Rule;
  alarms: AlarmRow[];
  guests: string[];
}

/** A part of the form that changes as one (what a PATCH sends together). */
export type Group = "kind" | "calendar" | "title" | "location" | "description" | "times" | "due" | "done" | "rule" | "alarms" | "guests";
/** Every group, in the order they are compared. */
export const GROUPS: Group[] = ["kind", "calendar", "title", "location", "description", "times", "due", "done", "rule", "alarms", "guests"];
/** The model's fields of each group. */
export const GROUP_FIELDS: Record<Group, (keyof Model)[]> = {
  kind: ["kind"],
  calendar: ["calendar"],
  title: ["title"],
  location: ["location"],
  description: ["description"],
  times: ["allDay", "sdate", "stime", "edate", "etime", "zone"],
  due: ["ddate", "dtime", "zone"],
  done: ["done"],
  rule: ["rule"],
  alarms: ["alarms"],
  guests: ["guests"],
};

// ---- the model: times, rules, alarms --------------------------------------------------

/** The start as a wall time (a date when all day); null if not given. */
export function startWall(m: Model): string | null {
  if (!m.sdate) return null;
  if (m.allDay) return m.sdate;
  return m.stime ? fullWall(m.sdate, m.stime) : null;
}

/** The exclusive end as a wall time (all day: the day after the last). */
export function endWall(m: Model): string | null {
  if (!m.edate) return null;
  if (m.allDay) return addDays(m.edate, 1);
  return m.etime ? fullWall(m.edate, m.etime) : null;
}

/** The end is before the start (an all-day event lasts at least a day). */
export function endsBeforeStart(m: Model): boolean {
  const s = startWall(m);
  const e = endWall(m);
  return !!(s && e && naive(e) < naive(s) + (m.allDay ? DAY : 0));
}

function startWhen(m: Model): When | null {
  const s = startWall(m);
  if (!s) return null;
  return m.allDay ? { date: s } : whenIn(s, m.zone);
}

/** The end; null for a timed event that ends when it starts (no DTEND). */
function endWhen(m: Model): When | null {
  const e = endWall(m);
  if (!e) return null;
  if (m.allDay) return { date: e };
  if (e === startWall(m)) return null;
  return whenIn(e, m.zone);
}

function dueWhen(m: Model): When | null {
  if (!m.ddate) return null;
  return m.dtime ? whenIn(fullWall(m.ddate, m.dtime), m.zone) : { date: m.ddate };
}

function ruleStart(m: Model): string {
  return m.sdate || editing.ctx?.ruleBase || dateIn(app.zone, Date.now());
}

/** The RRULE value the form describes (null: does not repeat). */
function ruleValue(m: Model): string | null {
  const zone = m.zone === "" ? null : isZone(m.zone) ? m.zone : null;
  return buildRule(m.rule, ruleStart(m), m.allDay, zone);
}

function alarmList(m: Model): Alarm[] {
  return m.alarms.map((r) => alarmOf(r, m.kind));
}

/** A comparable value of one group of fields. */
export function keyOf(m: Model, g: Group): string {
  switch (g) {
    case "times":
      return JSON.stringify([startWhen(m), endWhen(m)]);
    case "due":
      return JSON.stringify(dueWhen(m));
    case "rule":
      return ruleValue(m) ?? "";
    case "alarms":
      return JSON.stringify(alarmList(m));
    case "guests":
      return JSON.stringify(m.guests.map((g) => g.toLowerCase()));
    case "title":
    case "location":
      return m[g].trim();
    case "description":
      return m.description.trim() ? m.description : "";
    default:
      return JSON.stringify(m[g]);
  }
}

/** What the person changed (groups that apply to the kind). */
export function changed(cur: Model, base: Model): Set<Group> {
  const out = new Set<Group>();
  for (const g of GROUPS) {
    if (g === "times" && cur.kind !== "event") continue;
    if ((g === "due" || g === "done") && cur.kind !== "task") continue;
    if (keyOf(cur, g) !== keyOf(base, g)) out.add(g);
  }
  return out;
}

// ---- reading the form --------------------------------------------------------------------

/** The form's values now (with the dialog's rule, reminders and guests). */
export function readModel(): Model {
  const c = editing.ctx!;
  return {
    kind: readKind(),
    calendar: select("ed-cal").value,
    title: input("ed-title").value,
    location: input("ed-location").value,
    description: $<HTMLTextAreaElement>("ed-description").value,
    allDay: input("ed-allday").checked,
    sdate: input("ed-sdate").value,
    stime: input("ed-stime").value,
    edate: input("ed-edate").value,
    etime: input("ed-etime").value,
    ddate: input("ed-ddate").value,
    dtime: input("ed-dtime").value,
    done: input("ed-done").checked,
    zone: canonicalZone(input("ed-zone").value),
    rule: { ...c.rule, days: [...c.rule.days] },
    alarms: c.alarms.map((r) => ({ ...r })),
    guests: [...c.guests],
  };
}

// ---- what is sent ------------------------------------------------------------------------

/** The body of a new item. */
export function createBody(m: Model): Record<string, unknown> {
  const body: Record<string, unknown> = { kind: m.kind };
  if (m.title.trim()) body.summary = m.title.trim();
  if (m.location.trim()) body.location = m.location.trim();
  if (m.description.trim()) body.description = m.description;
  if (m.kind === "event") {
    body.start = startWhen(m);
    const end = endWhen(m);
    if (end) body.end = end;
    const rule = ruleValue(m);
    if (rule) body.recurrence = [`RRULE:${rule}`];
    if (m.guests.length) body.attendees = m.guests.map((email) => ({ email }));
  } else {
    const due = dueWhen(m);
    if (due) body.due = due;
    body.status = m.done ? "COMPLETED" : "NEEDS-ACTION";
    if (m.done) body.completed = nowUtc();
  }
  if (m.alarms.length) body.alarms = alarmList(m);
  return body;
}

/** `wall` moved by what the instance moved (naive wall-clock arithmetic, in the form's zone). */
function shifted(master: string, oldWall: string, newWall: string, dateOnly: boolean): string {
  const moved = fromNaive(naive(master) + naive(newWall) - naive(oldWall));
  return dateOnly ? moved.slice(0, 10) : moved;
}

/** The PATCH body for what changed; for scope `all` from an instance, times move the series. */
export function patchBody(m: Model, base: Model, changes: Set<Group>, scope: Scope): Record<string, unknown> {
  const c = editing.ctx!;
  const p: Record<string, unknown> = {};
  const text = (v: string) => (v.trim() ? v.trim() : null);
  if (changes.has("title")) p.summary = text(m.title);
  if (changes.has("location")) p.location = text(m.location);
  if (changes.has("description")) p.description = m.description.trim() ? m.description : null;
  const series = scope === "all" && c.instance !== null && c.recurring;
  if (changes.has("times")) {
    const s = startWall(m)!;
    const e = endWall(m);
    const bs = startWall(base);
    if (series && c.masterStart && bs) {
      const ms = shifted(c.masterStart, bs, s, m.allDay);
      p.start = m.allDay ? { date: ms } : whenIn(ms, m.zone);
      if (e) {
        const me = fromNaive(naive(ms) + naive(e) - naive(s));
        p.end = m.allDay ? { date: me.slice(0, 10) } : me === ms ? null : whenIn(me, m.zone);
      }
    } else {
      p.start = startWhen(m);
      p.end = endWhen(m);
    }
    // Ending when it starts: no DTEND, and no DURATION either.
    if (p.end === null && c.hadDuration) p.duration = null;
  }
  if (changes.has("due")) {
    const due = dueWhen(m);
    const bd = dueWhen(base);
    if (series && due && bd && c.masterDue) {
      const oldWall = base.dtime ? fullWall(base.ddate, base.dtime) : base.ddate;
      const newWall = m.dtime ? fullWall(m.ddate, m.dtime) : m.ddate;
      const md = shifted(c.masterDue, oldWall, newWall, !m.dtime);
      p.due = m.dtime ? whenIn(md, m.zone) : { date: md };
    } else p.due = due;
  }
  if (changes.has("done")) Object.assign(p, doneFields(m.done, c.item?.percent_complete));
  if (changes.has("rule")) {
    const lines = withRule(c.lines, ruleValue(m));
    p.recurrence = lines.length ? lines : null;
  }
  if (changes.has("alarms")) p.alarms = alarmList(m);
  if (changes.has("guests")) p.attendees = m.guests.map((email) => ({ email }));
  return p;
}
