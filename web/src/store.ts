// Events of each calendar in a window around what is on screen. Only missing stretches
// are fetched (one request at a time per calendar), neighbours are fetched ahead when
// the browser is idle, so moving a week or a month back and forth is instant; a change
// to a calendar forgets its window.

import type { EventInput } from "@fullcalendar/core";
import { instancesIn } from "./api";
import type { Calendar, Instance, When } from "./api";
import { dateIn, isZone, wallString } from "./tz";

/** What each FullCalendar event carries. */
export interface Props {
  cal: string;
  event: string;
  etag: string;
  instance: string | null;
  recurring: boolean;
  kind: "event" | "task" | "journal";
  done: boolean;
  inst: Instance;
}

interface Entry {
  from: number;
  to: number;
  input: EventInput;
}

interface Window {
  from: number;
  to: number;
  entries: Map<string, Entry>;
  undated: Instance[];
}

const DAY = 86400000;
/** Most days kept per calendar. */
const MAX_SPAN = 200 * DAY;

const windows = new Map<string, Window>();
const generation = new Map<string, number>();
const queues = new Map<string, Promise<unknown>>();
let requests = 0;

/** How many event requests went out (for tests of the fetching). */
export const requestCount = () => requests;

function enqueue<T>(cal: string, job: () => Promise<T>): Promise<T> {
  const next = (queues.get(cal) ?? Promise.resolve()).catch(() => undefined).then(job);
  queues.set(cal, next);
  return next;
}

export const isDone = (status?: string | null) => (status ?? "").toUpperCase() === "COMPLETED";

function zoneOf(cal: Calendar): string {
  return cal.time_zone && isZone(cal.time_zone) ? cal.time_zone : "UTC";
}

/** One instance as FullCalendar input, with the instants it covers; null if undated. */
function toEntry(cal: Calendar, inst: Instance): Entry | null {
  const c = inst.component;
  const kind = c.kind;
  const done = isDone(c.status);
  const props: Props = {
    cal: cal.id,
    event: inst.event_id,
    etag: inst.etag,
    instance: inst.recurrence_id,
    recurring: (c.recurrence?.length ?? 0) > 0 || inst.recurrence_id !== null,
    kind,
    done,
    inst,
  };
  const classNames: string[] = [`k-${kind}`];
  if (done) classNames.push("done");
  if ((c.status ?? "").toUpperCase() === "CANCELLED") classNames.push("cancelled");
  if ((c.status ?? "").toUpperCase() === "TENTATIVE") classNames.push("tentative");
  const base: EventInput = {
    id: `${cal.id}|${inst.event_id}|${inst.recurrence_id ?? ""}`,
    title: c.summary || (kind === "task" ? "(untitled task)" : "(no title)"),
    classNames,
    extendedProps: props,
  };
  const zone = zoneOf(cal);
  if (kind === "task") {
    // Tasks sit on their due time (a date: all day), else on their start.
    const at = inst.end ?? inst.start;
    if (!at) return null;
    const ms = Date.parse(at);
    const date = c.due?.date ?? (!c.due && c.start?.date ? c.start.date : null);
    const input: EventInput = date
      ? { ...base, start: props.recurring ? dateIn(zone, ms) : date, allDay: true, durationEditable: false }
      : { ...base, start: at, end: new Date(ms + 30 * 60000).toISOString(), allDay: false, durationEditable: false };
    return { from: ms, to: ms + (input.allDay ? DAY : 30 * 60000), input };
  }
  if (!inst.start) return null;
  const s = Date.parse(inst.start);
  const e = inst.end ? Date.parse(inst.end) : s + (inst.all_day ? DAY : 0);
  if (inst.all_day) {
    // All-day instances start at midnight in the calendar's zone: their dates are there.
    const single = !props.recurring && c.start?.date;
    const startDate = single ? c.start!.date! : dateIn(zone, s);
    const endDate = single && c.end?.date ? c.end.date : dateIn(zone, Math.max(e, s + DAY));
    return { from: s, to: Math.max(e, s + 1), input: { ...base, start: startDate, end: endDate, allDay: true } };
  }
  return { from: s, to: Math.max(e, s + 1), input: { ...base, start: inst.start, end: inst.end ?? undefined, allDay: false } };
}

function pick(w: Window, from: number, to: number): EventInput[] {
  const out: EventInput[] = [];
  for (const e of w.entries.values()) if (e.from < to && e.to > from) out.push(e.input);
  return out;
}

function fill(w: Window, cal: Calendar, instances: Instance[], from: number, to: number): void {
  w.undated = [];
  for (const inst of instances) {
    const entry = toEntry(cal, inst);
    if (!entry) {
      w.undated.push(inst);
      continue;
    }
    // Keep what lies in the fetched stretch (an instance overlapping two stretches
    // comes twice: one entry).
    if (entry.from < to && entry.to > from) w.entries.set(String(entry.input.id), entry);
  }
}

async function load(cal: Calendar, from: number, to: number): Promise<EventInput[]> {
  const gen = generation.get(cal.id) ?? 0;
  let w = windows.get(cal.id);
  if (w && w.from <= from && w.to >= to) return pick(w, from, to);
  let a = from;
  let b = to;
  let extend = false;
  if (w && from >= w.from && from <= w.to && to > w.to) {
    a = w.to;
    extend = true;
  } else if (w && to <= w.to && to >= w.from && from < w.from) {
    b = w.from;
    extend = true;
  }
  if (extend && w && Math.max(w.to, b) - Math.min(w.from, a) > MAX_SPAN) {
    extend = false;
    a = from;
    b = to;
  }
  requests += 1;
  const page = await instancesIn(cal.id, new Date(a), new Date(b));
  const fresh: Window = { from: a, to: b, entries: new Map(), undated: [] };
  if ((generation.get(cal.id) ?? 0) !== gen) {
    // The calendar changed meanwhile: answer from what came, keep nothing.
    fill(fresh, cal, page.instances ?? [], a, b);
    return pick(fresh, from, to);
  }
  if (extend && w) {
    w.from = Math.min(w.from, a);
    w.to = Math.max(w.to, b);
  } else {
    w = fresh;
    windows.set(cal.id, w);
  }
  fill(w, cal, page.instances ?? [], a, b);
  return pick(w, from, to);
}

/** The events of `cal` overlapping [from, to) (instants in ms). */
export function eventsOf(cal: Calendar, from: number, to: number): Promise<EventInput[]> {
  const w = windows.get(cal.id);
  if (w && w.from <= from && w.to >= to) return Promise.resolve(pick(w, from, to));
  return enqueue(cal.id, () => load(cal, from, to));
}

/** Fetches [from, to) ahead if not held yet (errors are ignored: it is only a guess). */
export function prefetch(cal: Calendar, from: number, to: number): void {
  const w = windows.get(cal.id);
  if (w && w.from <= from && w.to >= to) return;
  if (w && (Math.max(w.to, to) - Math.min(w.from, from) > MAX_SPAN || to < w.from || from > w.to)) return;
  enqueue(cal.id, () => load(cal, from, to)).catch(() => undefined);
}

/** Forgets a calendar's events (it changed). */
export function forget(cal: string): void {
  generation.set(cal, (generation.get(cal) ?? 0) + 1);
  windows.delete(cal);
}

export function forgetAll(): void {
  for (const id of [...windows.keys()]) forget(id);
}

/** Tasks without a date of the calendar (from the last fetch). */
export function undatedTasks(cal: string): Instance[] {
  return windows.get(cal)?.undated.filter((i) => i.component.kind === "task") ?? [];
}

/** The zone a When is written in: an IANA name, "UTC", or null (floating or a date). */
export function zoneOfWhen(w?: When | null): string | null {
  if (!w?.date_time) return null;
  if (w.date_time.endsWith("Z")) return "UTC";
  return w.time_zone && isZone(w.time_zone) ? w.time_zone : null;
}

/**
 * The When for instant `ms` written the way an event keeps its times: all day → the
 * date in `view` (the zone on screen); in `zone` (an IANA name) → its wall time there
 * with the name; `"UTC"` → a `Z` time; null (floating) → the wall time in `view`.
 */
export function whenAt(ms: number, allDay: boolean, zone: string | null, view: string): When {
  if (allDay) return { date: dateIn(view, ms) };
  if (zone === "UTC") return { date_time: `${new Date(ms).toISOString().slice(0, 19)}Z` };
  if (zone === null) return { date_time: wallString(view, ms) };
  return { date_time: wallString(zone, ms), time_zone: zone };
}
