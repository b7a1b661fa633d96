// Loading: the model of a new item from what was clicked or dragged, and of an existing
// one (or one instance of a series) from the server, with what the dialog keeps about it.

import { ApiError, alarmsOf, getEvent } from "../api";
import type { Alarm, Component } from "../api";
import { emptyRule } from "../rrule";
import { app, calendar, defaultCalendar, writable } from "../state";
import { isDone } from "../store";
import { addDays, dateIn, fromNaive, isZone, naive, wallString } from "../tz";
import type { Ctx, Kind } from "./context";
import { stripMailto } from "./guests";
import type { Model } from "./model";
import { readRule } from "./recurrence";
import { rowOf } from "./reminders";
import { DAY, calZoneOf, fullWall, instantOf, ownZone, parseDuration, realZone, wallOf } from "./when";

/** Options for a new item. Times are wall times in app.zone: `YYYY-MM-DDThh:mm`, or `YYYY-MM-DD` when all day (end exclusive). */
export interface NewInit {
  start?: string;
  end?: string;
  allDay?: boolean;
  kind?: "event" | "task";
  calendar?: string;
  title?: string;
}

/** The model of a new item: the next full hour for an hour unless `init` says otherwise. */
export function newModel(init: NewInit): Model {
  const kind: Kind = init.kind ?? "event";
  const allDay = init.allDay ?? false;
  let start = init.start;
  if (!start) {
    const now = wallString(app.zone, Date.now());
    start = fromNaive(naive(`${now.slice(0, 13)}:00:00`) + 3600000).slice(0, 16);
  }
  const sdate = start.slice(0, 10);
  const stime = allDay || start.length < 16 ? "" : start.slice(11, 16);
  let edate = sdate;
  let etime = "";
  if (allDay) {
    edate = init.end ? addDays(init.end.slice(0, 10), -1) : sdate;
    if (edate < sdate) edate = sdate;
  } else {
    const s = naive(fullWall(sdate, stime || "09:00"));
    const e = init.end && init.end.length >= 16 ? naive(init.end.slice(0, 16)) : s + 3600000;
    const end = fromNaive(Math.max(e, s));
    edate = end.slice(0, 10);
    etime = end.slice(11, 16);
  }
  const cal = (init.calendar && calendar(init.calendar)) || defaultCalendar(kind);
  return {
    kind,
    calendar: cal?.id ?? "",
    title: init.title ?? "",
    location: "",
    description: "",
    allDay,
    sdate,
    stime,
    edate,
    etime,
    ddate: kind === "task" && init.start ? sdate : "",
    dtime: kind === "task" && !allDay && init.start ? stime : "",
    done: false,
    zone: app.zone,
    rule: emptyRule(sdate),
    alarms: [],
    guests: [],
  };
}

/** An item read for the dialog: what the dialog keeps about it, and the form's values. */
export interface Loaded {
  ctx: Omit<Ctx, "base" | "rule" | "alarms" | "guests" | "lastStart" | "busy">;
  model: Model;
}

/** Reads an item (and the instance shown) into a form model. */
export async function loadItem(target: { calendar: string; event: string; instance: string | null }): Promise<Loaded> {
  const cal = calendar(target.calendar);
  const calZone = calZoneOf(cal);
  const item = await getEvent(target.calendar, target.event);
  if (item.kind === "journal") throw new ApiError(0, "Journal entries cannot be edited here yet.");
  const kind: Kind = item.kind;
  const recurring = (item.recurrence?.length ?? 0) > 0;
  const instance = recurring || item.recurrence_id ? target.instance : null;
  const ms = instance ? Date.parse(instance) : NaN;
  const override = instance ? ([item, ...(item.overrides ?? [])].find((o) => o.recurrence_id && instantOf(o.recurrence_id, calZone) === ms) ?? null) : null;
  const shown: Component = override ?? item;
  const anchor = kind === "task" ? (shown.due ?? shown.start) : shown.start;
  const foreign = anchor?.date_time && !anchor.date_time.endsWith("Z") && anchor.time_zone && !isZone(anchor.time_zone) ? anchor.time_zone : "";
  const zone = anchor?.date_time ? ownZone(anchor) : app.zone;

  // The walls of the item shown: an override's own, else the series' moved to the instance.
  let start: string | null;
  let end: string | null;
  let due: string | null;
  const length = (c: Component): number | null => {
    if (!c.start) return null;
    if (c.end) return c.start.date && c.end.date ? naive(c.end.date) - naive(c.start.date) : instantOf(c.end, calZone) - instantOf(c.start, calZone);
    if (c.duration) return parseDuration(c.duration);
    return c.start.date ? DAY : 0;
  };
  const toWall = (at: number) => wallString(realZone(zone, calZone), at);
  const seriesStart = instance && item.start ? (item.start.date ? dateIn(calZone, ms) : toWall(ms)) : null;
  if (override || !instance || !item.start || !seriesStart) {
    start = wallOf(shown.start, zone, calZone);
    due = wallOf(shown.due, zone, calZone);
    const len = length(shown);
    end = shown.end ? wallOf(shown.end, zone, calZone) : start && len !== null ? (start.length === 10 ? addDays(start, Math.round(len / DAY)) : toWall(instantOf(shown.start!, calZone) + len)) : null;
  } else {
    start = seriesStart;
    const len = length(item) ?? 0;
    end = start.length === 10 ? addDays(start, Math.round(len / DAY)) : toWall(ms + len);
    // The due time moves with the instance: by whole days for dates, exactly otherwise.
    const shift = ms - instantOf(item.start, calZone);
    const days = item.start.date ? Math.round((naive(start) - naive(item.start.date)) / DAY) : Math.round(shift / DAY);
    due = !item.due ? null : item.due.date ? addDays(item.due.date, days) : toWall(instantOf(item.due, calZone) + shift);
  }
  const allDay = start ? start.length === 10 : false;
  const sdate = start?.slice(0, 10) ?? "";
  const stime = start && !allDay ? start.slice(11, 16) : "";
  let edate = sdate;
  let etime = stime;
  if (end) {
    if (allDay) edate = end > sdate ? addDays(end.slice(0, 10), -1) : sdate;
    else {
      edate = end.slice(0, 10);
      etime = end.length > 10 ? end.slice(11, 16) : stime;
    }
  }
  const ruleBase = seriesStart?.slice(0, 10) || sdate || due?.slice(0, 10) || dateIn(app.zone, Date.now());
  const lines = item.recurrence ?? [];
  const rule = readRule(lines, ruleBase, zone, calZone);

  let alarms: Alarm[] = [];
  if (shown.alarms > 0) alarms = await alarmsOf(target.calendar, target.event, override ? override.recurrence_id ?? null : null);
  const readOnly = cal ? !writable(cal) : false;
  return {
    ctx: {
      item,
      cal: target.calendar,
      etag: item.etag,
      instance,
      recurring: recurring || item.recurrence_id != null,
      readOnly,
      calZone,
      masterStart: item.start ? wallOf(item.start, zone, calZone) : null,
      masterDue: item.due ? wallOf(item.due, zone, calZone) : null,
      lines,
      ruleBase,
      foreignZone: foreign,
      hadDuration: !!shown.duration,
    },
    model: {
      kind,
      calendar: target.calendar,
      title: shown.summary ?? "",
      location: shown.location ?? "",
      description: shown.description ?? "",
      allDay,
      sdate,
      stime,
      edate,
      etime,
      ddate: due?.slice(0, 10) ?? "",
      dtime: due && due.length > 10 ? due.slice(11, 16) : "",
      done: isDone(shown.status),
      zone,
      rule,
      alarms: alarms.map((a) => rowOf(a, kind)),
      guests: (shown.attendees ?? []).map(stripMailto),
    },
  };
}
