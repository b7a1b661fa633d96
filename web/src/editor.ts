// The event and task dialog: title, times in a time zone, a friendly recurrence editor,
// reminders and guests. New items are POSTed whole; edits PATCH only what changed (so
// what the JSON does not model survives), with If-Match, and for an instance of a series
// with the scope the person picks ("all" moves the series by what the instance moved).

import "./editor.css";
import { ApiError, alarmsOf, eventPath, getEvent, request } from "./api";
import type { Alarm, Calendar, Component, EventItem, Scope, When } from "./api";
import { askScope, confirmDialog } from "./dialogs";
import { $, fmtDateTime, h, openDialog, setPref, status } from "./dom";
import { DAY_CODES, buildRule, dayCode, dayName, describeRule, emptyRule, monthlyLabel, parseRule, weekdayOfMonth, withRule } from "./rrule";
import type { Ends, Freq, MonthlyBy, Rule } from "./rrule";
import { app, calendar, defaultCalendar, fullName, hooks, writable } from "./state";
import { isDone } from "./store";
import { addDays, allZones, dateIn, fromNaive, isZone, naive, wallString, wallStringToUtc } from "./tz";

type Kind = "event" | "task";
type Unit = "minutes" | "hours" | "days" | "weeks";

const DAY = 86400000;
const UNIT_MINUTES: Record<Unit, number> = { minutes: 1, hours: 60, days: 1440, weeks: 10080 };
const UNIT_NAMES: Record<Unit, [string, string]> = {
  minutes: ["minute", "minutes"],
  hours: ["hour", "hours"],
  days: ["day", "days"],
  weeks: ["week", "weeks"],
};
const FREQ_UNITS: Record<string, [string, string]> = {
  DAILY: ["day", "days"],
  WEEKLY: ["week", "weeks"],
  MONTHLY: ["month", "months"],
  YEARLY: ["year", "years"],
};

/** A reminder the dialog can edit ("N units before"), or one it shows and keeps. */
type AlarmRow =
  | { type: "rel"; amount: number; unit: Unit; action: Alarm["action"]; description?: string | null; orig?: Alarm; origAmount?: number; origUnit?: Unit }
  | { type: "fixed"; alarm: Alarm };

/** Everything the form holds, as plain values (times are wall times in `zone`). */
interface Model {
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

type Group = "kind" | "calendar" | "title" | "location" | "description" | "times" | "due" | "done" | "rule" | "alarms" | "guests";
const GROUPS: Group[] = ["kind", "calendar", "title", "location", "description", "times", "due", "done", "rule", "alarms", "guests"];
const GROUP_FIELDS: Record<Group, (keyof Model)[]> = {
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

/** What is being edited. */
interface Ctx {
  /** The event as loaded; null for a new item. */
  item: EventItem | null;
  cal: string;
  etag: string;
  instance: string | null;
  recurring: boolean;
  readOnly: boolean;
  /** The calendar's zone: where dates and floating times of the series are placed. */
  calZone: string;
  /** The series' start (and due) as wall times in the zone shown, for shifting it. */
  masterStart: string | null;
  masterDue: string | null;
  /** The item's recurrence lines (RRULE, RDATE, EXDATE) as stored. */
  lines: string[];
  /** The date the rule was read against. */
  ruleBase: string;
  /** A TZID the item uses that the browser does not know (kept as it is). */
  foreignZone: string;
  /** The component shown has a DURATION (instead of an end). */
  hadDuration: boolean;
  /** The form as loaded: what counts as unchanged. */
  base: Model;
  /** Live parts of the form not held by inputs. */
  rule: Rule;
  alarms: AlarmRow[];
  guests: string[];
  /** The start (naive wall) the end was last kept in step with. */
  lastStart: string;
  busy: boolean;
}

let ctx: Ctx | null = null;
let wired = false;
let generation = 0;

const dialog = () => $<HTMLDialogElement>("editor");
const input = (id: string) => $<HTMLInputElement>(id);
const select = (id: string) => $<HTMLSelectElement>(id);

// ---- small helpers -------------------------------------------------------------------

const realZone = (zone: string, fallback: string) => (zone && isZone(zone) ? zone : fallback);
const ownZone = (w: When) => (w.date_time?.endsWith("Z") ? "UTC" : (w.time_zone ?? ""));
const calZoneOf = (c?: Calendar) => (c?.time_zone && isZone(c.time_zone) ? c.time_zone : "UTC");
const stripMailto = (a: string) => a.replace(/^mailto:/i, "");
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** The instant of a When; dates and floating times are placed in `calZone`. */
function instantOf(w: When, calZone: string): number {
  if (w.date) return wallStringToUtc(calZone, w.date);
  const dt = w.date_time ?? "";
  if (dt.endsWith("Z")) return Date.parse(dt);
  return wallStringToUtc(realZone(w.time_zone ?? "", calZone), dt);
}

/** `YYYY-MM-DD` (a date) or `YYYY-MM-DDThh:mm:ss` on the wall clock of `zone`. */
function wallOf(w: When | null | undefined, zone: string, calZone: string): string | null {
  if (!w) return null;
  if (w.date) return w.date;
  if (!w.date_time) return null;
  if (ownZone(w) === zone) return w.date_time.slice(0, 19);
  return wallString(realZone(zone, calZone), instantOf(w, calZone));
}

/** An RFC 5545 duration (`-PT15M`, `P1D`, `P1W`, `P1DT2H`) in ms; null if unreadable. */
function parseDuration(s: string): number | null {
  const m = /^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(s.trim());
  if (!m || /^[+-]?PT?$/i.test(s.trim())) return null;
  const [, sign, w, d, hh, mm, ss] = m;
  const ms = ((+(w ?? 0) * 7 + +(d ?? 0)) * 86400 + +(hh ?? 0) * 3600 + +(mm ?? 0) * 60 + +(ss ?? 0)) * 1000;
  return sign === "-" ? -ms : ms;
}

/** A When for a wall time in the form's zone. */
function whenIn(wall: string, zone: string): When {
  if (zone === "") return { date_time: wall };
  if (zone === "UTC") return { date_time: `${wall}Z` };
  return { date_time: wall, time_zone: zone };
}

let zoneNames: Map<string, string> | null = null;

/** "europe/berlin" → "Europe/Berlin"; "utc" → "UTC". */
function canonicalZone(z: string): string {
  const t = z.trim();
  if (!t) return "";
  if (t.toUpperCase() === "UTC") return "UTC";
  zoneNames ??= new Map(allZones().map((n) => [n.toLowerCase(), n]));
  return zoneNames.get(t.toLowerCase()) ?? t;
}

function nowUtc(): string {
  return `${new Date().toISOString().slice(0, 19)}Z`;
}

const fullWall = (date: string, time: string) => `${date}T${time.length === 5 ? `${time}:00` : time}`;

// ---- the model: times, rules, alarms --------------------------------------------------

function startWall(m: Model): string | null {
  if (!m.sdate) return null;
  if (m.allDay) return m.sdate;
  return m.stime ? fullWall(m.sdate, m.stime) : null;
}

/** The exclusive end as a wall time (all day: the day after the last). */
function endWall(m: Model): string | null {
  if (!m.edate) return null;
  if (m.allDay) return addDays(m.edate, 1);
  return m.etime ? fullWall(m.edate, m.etime) : null;
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
  return m.sdate || ctx?.ruleBase || dateIn(app.zone, Date.now());
}

/** The RRULE value the form describes (null: does not repeat). */
function ruleValue(m: Model): string | null {
  const zone = m.zone === "" ? null : isZone(m.zone) ? m.zone : null;
  return buildRule(m.rule, ruleStart(m), m.allDay, zone);
}

function durationText(amount: number, unit: Unit): string {
  if (amount === 0) return "PT0S";
  const n = Math.floor(amount);
  return unit === "minutes" ? `-PT${n}M` : unit === "hours" ? `-PT${n}H` : unit === "days" ? `-P${n}D` : `-P${n}W`;
}

/** The reminder as the API takes it; unchanged ones exactly as they were read. */
function alarmOf(r: AlarmRow, kind: Kind): Alarm {
  if (r.type === "fixed") return r.alarm;
  if (r.orig && r.amount === r.origAmount && r.unit === r.origUnit) return r.orig;
  const a: Alarm = { action: r.action, trigger: { duration: durationText(r.amount, r.unit), ...(kind === "task" ? { related: "end" as const } : {}) } };
  if (r.description) a.description = r.description;
  return a;
}

/** How an alarm reads in the list; editable when it is "N units before" the start (due). */
function rowOf(a: Alarm, kind: Kind): AlarmRow {
  if ("duration" in a.trigger) {
    const related = a.trigger.related ?? "start";
    const ms = parseDuration(a.trigger.duration);
    if (ms !== null && ms <= 0 && related === (kind === "task" ? "end" : "start") && ms % 60000 === 0) {
      const minutes = -ms / 60000;
      const unit = (["weeks", "days", "hours", "minutes"] as Unit[]).find((u) => minutes % UNIT_MINUTES[u] === 0 && minutes >= UNIT_MINUTES[u]) ?? "minutes";
      const amount = minutes / UNIT_MINUTES[unit];
      return { type: "rel", amount, unit, action: a.action, description: a.description, orig: a, origAmount: amount, origUnit: unit };
    }
  }
  return { type: "fixed", alarm: a };
}

function describeAlarm(a: Alarm): string {
  const how = a.action === "email" ? " (e-mail)" : a.action === "audio" ? " (sound)" : "";
  if ("at" in a.trigger) return `At ${fmtDateTime(a.trigger.at)}${how}`;
  const ms = parseDuration(a.trigger.duration);
  const of = a.trigger.related === "end" ? "the end" : "the start";
  if (ms === null) return `${a.trigger.duration} from ${of}${how}`;
  if (ms === 0) return `At ${of}${how}`;
  let rest = Math.abs(ms) / 60000;
  const parts: string[] = [];
  for (const u of ["weeks", "days", "hours", "minutes"] as Unit[]) {
    const n = Math.floor(rest / UNIT_MINUTES[u]);
    if (n > 0) parts.push(`${n} ${UNIT_NAMES[u][n === 1 ? 0 : 1]}`);
    rest -= n * UNIT_MINUTES[u];
  }
  if (rest > 0 || parts.length === 0) parts.push(`${Math.round((Math.abs(ms) / 1000) % 60)} seconds`);
  return `${parts.join(" ")} ${ms < 0 ? "before" : "after"} ${of}${how}`;
}

function alarmList(m: Model): Alarm[] {
  return m.alarms.map((r) => alarmOf(r, m.kind));
}

/** A comparable value of one group of fields. */
function keyOf(m: Model, g: Group): string {
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
function changed(cur: Model, base: Model): Set<Group> {
  const out = new Set<Group>();
  for (const g of GROUPS) {
    if (g === "times" && cur.kind !== "event") continue;
    if ((g === "due" || g === "done") && cur.kind !== "task") continue;
    if (keyOf(cur, g) !== keyOf(base, g)) out.add(g);
  }
  return out;
}

// ---- reading and writing the form --------------------------------------------------------

function readModel(): Model {
  const c = ctx!;
  const kind = (document.querySelector<HTMLInputElement>('#ed-kind input[name="kind"]:checked')?.value as Kind) ?? "event";
  return {
    kind: c.item ? c.base.kind : kind,
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

function writeModel(m: Model): void {
  const c = ctx!;
  for (const r of document.querySelectorAll<HTMLInputElement>('#ed-kind input[name="kind"]')) r.checked = r.value === m.kind;
  input("ed-title").value = m.title;
  input("ed-location").value = m.location;
  $<HTMLTextAreaElement>("ed-description").value = m.description;
  input("ed-allday").checked = m.allDay;
  input("ed-sdate").value = m.sdate;
  input("ed-stime").value = m.stime || "09:00";
  input("ed-edate").value = m.edate;
  input("ed-etime").value = m.etime || m.stime || "10:00";
  input("ed-ddate").value = m.ddate;
  input("ed-dtime").value = m.dtime;
  input("ed-done").checked = m.done;
  input("ed-zone").value = m.zone;
  c.rule = { ...m.rule, days: [...m.rule.days] };
  c.alarms = m.alarms.map((r) => ({ ...r }));
  c.guests = [...m.guests];
  c.lastStart = startWall(m) ?? "";
  fillCalendars(m.kind, m.calendar);
  renderKind(m.kind);
  renderAllDay();
  renderRule();
  renderAlarms();
  renderGuests();
  renderZoneNote();
}

/** The calendars an item of `kind` can go to (for an existing item: only its own). */
function fillCalendars(kind: Kind, chosen: string): void {
  const sel = select("ed-cal");
  const c = ctx!;
  const note = $("ed-cal-note");
  if (c.item) {
    const cal = calendar(c.cal);
    sel.replaceChildren(new Option(cal ? fullName(cal) : "This calendar", c.cal, true, true));
    sel.disabled = true;
    note.textContent = c.readOnly ? "" : `${c.base.kind === "task" ? "Tasks" : "Events"} cannot be moved to another calendar yet.`;
    note.hidden = c.readOnly;
    return;
  }
  const comp = kind === "task" ? "VTODO" : "VEVENT";
  const ok = app.calendars.filter((cal) => writable(cal) && (cal.components.length === 0 || cal.components.includes(comp)));
  sel.replaceChildren(...ok.map((cal) => new Option(fullName(cal), cal.id)));
  const pick = ok.find((cal) => cal.id === chosen) ?? defaultCalendar(kind) ?? ok[0];
  if (pick) sel.value = pick.id;
  sel.disabled = ok.length === 0;
  note.hidden = ok.length > 0;
  note.textContent = ok.length ? "" : `None of your calendars takes ${kind === "task" ? "tasks" : "events"}.`;
}

function renderKind(kind: Kind): void {
  const c = ctx!;
  for (const el of dialog().querySelectorAll<HTMLElement>(".ev-only")) el.hidden = kind !== "event";
  for (const el of dialog().querySelectorAll<HTMLElement>(".task-only")) el.hidden = kind !== "task";
  const what = kind === "task" ? "task" : "event";
  $("ed-heading").textContent = c.readOnly ? (kind === "task" ? "Task" : "Event") : c.item ? `Edit ${what}` : `New ${what}`;
  $("ed-kind").hidden = c.item !== null;
  renderZoneRow();
  renderAlarms();
}

function renderAllDay(): void {
  const all = input("ed-allday").checked;
  input("ed-stime").hidden = all;
  input("ed-etime").hidden = all;
  renderZoneRow();
}

/** The zone matters only for times of day. */
function renderZoneRow(): void {
  const kind = readKind();
  const timed = kind === "event" ? !input("ed-allday").checked : input("ed-dtime").value !== "";
  $("ed-zone-row").hidden = !timed;
  renderZoneNote();
}

function readKind(): Kind {
  if (ctx?.item) return ctx.base.kind;
  return (document.querySelector<HTMLInputElement>('#ed-kind input[name="kind"]:checked')?.value as Kind) ?? "event";
}

/** Under the zone: what it means, or when that is in the zone the calendar is shown in. */
function renderZoneNote(): void {
  const note = $("ed-zone-note");
  const zone = canonicalZone(input("ed-zone").value);
  const kind = readKind();
  const date = kind === "task" ? input("ed-ddate").value : input("ed-sdate").value;
  const time = kind === "task" ? input("ed-dtime").value : input("ed-stime").value;
  let text = "";
  if (zone === "") text = "Floating: the same clock time in every time zone.";
  else if (ctx && zone === ctx.foreignZone) text = "A time zone defined in this event.";
  else if (isZone(zone) && zone !== app.zone && date && time) {
    const at = wallStringToUtc(zone, fullWall(date, time));
    const there = new Date(at).toLocaleString(undefined, { timeZone: app.zone, weekday: "short", day: "numeric", month: "short", hour: "numeric", minute: "2-digit" });
    text = `${kind === "task" ? "Due" : "Starts"} ${there} in ${app.zone.replace(/_/g, " ")}.`;
  }
  note.textContent = text;
  note.hidden = text === "";
}

// ---- recurrence ----------------------------------------------------------------------------

function buildDays(): void {
  const box = $("ed-days");
  if (box.querySelector("input")) return;
  const row = h("div", { class: "day-row" });
  for (const code of DAY_CODES) {
    const name = dayName(code);
    const cb = h("input", { type: "checkbox", value: code, "aria-label": name, class: "day-box" });
    cb.addEventListener("change", () => {
      const c = ctx!;
      const set = new Set(c.rule.days);
      if (cb.checked) set.add(code);
      else set.delete(code);
      // At least one day: the start's.
      if (set.size === 0) {
        cb.checked = true;
        set.add(code);
      }
      c.rule.days = DAY_CODES.filter((d) => set.has(d));
      renderRuleSummary();
    });
    row.append(h("label", { class: "day", title: name }, cb, h("span", { "aria-hidden": "true" }, name.slice(0, 3))));
  }
  box.append(row);
}

function renderRule(): void {
  const c = ctx!;
  const r = c.rule;
  const start = input("ed-sdate").value || c.ruleBase;
  select("ed-freq").value = r.freq;
  const friendly = r.freq !== "none" && r.freq !== "custom";
  $("ed-rec-more").hidden = !friendly;
  $("ed-custom-row").hidden = r.freq !== "custom";
  input("ed-interval").value = String(r.interval);
  const units = FREQ_UNITS[r.freq];
  $("ed-unit").textContent = units ? units[r.interval === 1 ? 0 : 1] : "";
  $("ed-days").hidden = r.freq !== "WEEKLY";
  for (const cb of $("ed-days").querySelectorAll<HTMLInputElement>("input")) cb.checked = (r.days.length ? r.days : [dayCode(start)]).includes(cb.value);
  $("ed-monthly-row").hidden = r.freq !== "MONTHLY";
  if (start) {
    const w = weekdayOfMonth(start);
    const options: MonthlyBy[] = w.last ? ["date", "weekday", "last"] : ["date", "weekday"];
    if (!options.includes(r.monthly)) r.monthly = w.last && r.monthly === "weekday" ? "last" : "date";
    select("ed-monthly").replaceChildren(...options.map((o) => new Option(monthlyLabel(o, start), o, false, o === r.monthly)));
  }
  select("ed-ends").value = r.ends;
  input("ed-until").hidden = r.ends !== "until";
  input("ed-until").value = r.until;
  input("ed-until").min = start;
  $("ed-count-wrap").hidden = r.ends !== "count";
  input("ed-count").value = String(r.count);
  input("ed-rrule").value = r.raw;
  renderRuleSummary();
}

function renderRuleSummary(): void {
  const c = ctx!;
  const start = input("ed-sdate").value || c.ruleBase;
  const values = (name: string) => c.lines.filter((l) => l.toUpperCase().startsWith(name)).reduce((n, l) => n + l.slice(l.indexOf(":") + 1).split(",").length, 0);
  const skipped = values("EXDATE");
  const extra = values("RDATE");
  let text = describeRule(c.rule, start);
  const notes = [extra ? `${extra} extra date${extra === 1 ? "" : "s"}` : "", skipped ? `${skipped} skipped` : ""].filter(Boolean);
  if (c.rule.freq !== "none" && notes.length) text += ` (${notes.join(", ")})`;
  $("ed-rec-summary").textContent = c.rule.freq === "none" ? "" : text;
  clearError("ed-rec-error");
}

/** Takes the value of the recurrence control `id` into the rule. */
function readRuleControl(id: string): void {
  const c = ctx!;
  const r = c.rule;
  const start = input("ed-sdate").value || c.ruleBase;
  switch (id) {
    case "ed-freq": {
      const freq = select("ed-freq").value as Freq;
      if (freq === "custom" && r.freq !== "none" && r.freq !== "custom") {
        const zone = canonicalZone(input("ed-zone").value);
        r.raw = buildRule(r, start, input("ed-allday").checked, isZone(zone) ? zone : null) ?? r.raw;
      }
      if (freq === "custom" && !r.raw) r.raw = "FREQ=WEEKLY";
      if (freq === "WEEKLY" && r.days.length === 0) r.days = [dayCode(start)];
      r.freq = freq;
      break;
    }
    case "ed-interval":
      r.interval = Math.max(1, Math.min(999, Math.floor(Number(input("ed-interval").value)) || 1));
      break;
    case "ed-monthly":
      r.monthly = select("ed-monthly").value as MonthlyBy;
      break;
    case "ed-ends": {
      const ends = select("ed-ends").value as Ends;
      if (ends === "until" && !r.until && start) {
        // Three months on, as a first guess.
        const [y, m, d] = start.split("-").map(Number);
        r.until = new Date(Date.UTC(y, m - 1 + 3, d)).toISOString().slice(0, 10);
      }
      r.ends = ends;
      break;
    }
    case "ed-until":
      r.until = input("ed-until").value;
      break;
    case "ed-count":
      r.count = Math.max(1, Math.min(9999, Math.floor(Number(input("ed-count").value)) || 1));
      break;
    case "ed-rrule":
      r.raw = input("ed-rrule").value.trim().replace(/^RRULE:/i, "");
      break;
  }
}

/** The rule read for the form, its last day in the event's zone. */
function readRule(lines: string[], base: string, zone: string, calZone: string): Rule {
  const line = lines.find((l) => /^RRULE[:;]/i.test(l));
  const value = line?.replace(/^RRULE[^:]*:/i, "");
  return parseRule(value, base, realZone(zone, calZone));
}

// ---- reminders and guests --------------------------------------------------------------------

function renderAlarms(): void {
  const c = ctx;
  if (!c) return;
  const kind = readKind();
  const list = $("ed-alarm-list");
  const items = c.alarms.map((r, i) => {
    const n = i + 1;
    const remove = h(
      "button",
      {
        type: "button",
        class: "icon quiet ed-remove",
        "aria-label": `Remove reminder ${n}`,
        disabled: c.readOnly,
        onclick: () => {
          c.alarms.splice(i, 1);
          renderAlarms();
          const rest = $("ed-alarm-list").querySelectorAll<HTMLButtonElement>(".ed-remove");
          (rest[Math.min(i, rest.length - 1)] ?? $("ed-alarm-add")).focus();
        },
      },
      "✕",
    );
    if (r.type === "fixed") return h("li", { class: "ed-row" }, h("span", { class: "ed-fixed" }, describeAlarm(r.alarm)), remove);
    const amount = h("input", {
      type: "number",
      class: "num",
      min: "0",
      max: "9999",
      inputmode: "numeric",
      value: String(r.amount),
      "aria-label": `Reminder ${n}: how many`,
      readOnly: c.readOnly,
      "aria-describedby": "ed-alarm-error",
    });
    amount.addEventListener("input", () => {
      r.amount = Math.max(0, Math.floor(Number(amount.value)) || 0);
      clearError("ed-alarm-error");
    });
    const unit = h("select", { "aria-label": `Reminder ${n}: unit`, disabled: c.readOnly });
    for (const u of Object.keys(UNIT_NAMES) as Unit[]) unit.append(new Option(u, u, false, u === r.unit));
    unit.addEventListener("change", () => (r.unit = unit.value as Unit));
    const how = r.action === "email" ? " by e-mail" : r.action === "audio" ? " (sound)" : "";
    return h("li", { class: "ed-row" }, amount, unit, h("span", {}, `${kind === "task" ? "before due" : "before"}${how}`), remove);
  });
  list.replaceChildren(...items);
  list.hidden = items.length === 0;
  $("ed-alarm-add").hidden = c.readOnly;
}

function addAlarm(): void {
  const c = ctx!;
  c.alarms.push({ type: "rel", amount: 10, unit: "minutes", action: "display" });
  renderAlarms();
  clearError("ed-alarm-error");
  const inputs = $("ed-alarm-list").querySelectorAll<HTMLInputElement>("input");
  inputs[inputs.length - 1]?.focus();
}

function renderGuests(): void {
  const c = ctx;
  if (!c) return;
  const list = $("ed-guest-list");
  const items = c.guests.map((g, i) =>
    h(
      "li",
      { class: "ed-row" },
      h("span", { class: "ed-guest" }, g),
      h(
        "button",
        {
          type: "button",
          class: "icon quiet ed-remove",
          "aria-label": `Remove guest ${g}`,
          disabled: c.readOnly,
          onclick: () => {
            c.guests.splice(i, 1);
            renderGuests();
            const rest = $("ed-guest-list").querySelectorAll<HTMLButtonElement>(".ed-remove");
            (rest[Math.min(i, rest.length - 1)] ?? input("ed-guest")).focus();
          },
        },
        "✕",
      ),
    ),
  );
  list.replaceChildren(...items);
  list.hidden = items.length === 0;
  for (const el of dialog().querySelectorAll<HTMLElement>(".ed-guest-add, #ed-guest-hint")) el.hidden = c.readOnly;
}

/** Adds what the guest field holds; false (with the reason shown) if it is not an address. */
function addGuest(): boolean {
  const c = ctx!;
  const field = input("ed-guest");
  const address = stripMailto(field.value.trim());
  if (!address) return true;
  if (!EMAIL.test(address)) {
    showError("ed-guest-error", "Enter an e-mail address such as name@example.com.");
    return false;
  }
  if (c.guests.some((g) => g.toLowerCase() === address.toLowerCase())) {
    showError("ed-guest-error", `${address} is already a guest.`);
    return false;
  }
  c.guests.push(address);
  field.value = "";
  clearError("ed-guest-error");
  renderGuests();
  return true;
}

// ---- errors ---------------------------------------------------------------------------------

const ERROR_INPUTS: Record<string, string[]> = {
  "ed-title-error": ["ed-title"],
  "ed-start-error": ["ed-sdate", "ed-stime"],
  "ed-end-error": ["ed-edate", "ed-etime"],
  "ed-due-error": ["ed-ddate", "ed-dtime"],
  "ed-zone-error": ["ed-zone"],
  "ed-rec-error": ["ed-rrule", "ed-until", "ed-count", "ed-freq"],
  "ed-alarm-error": [],
  "ed-guest-error": ["ed-guest"],
  "ed-location-error": ["ed-location"],
  "ed-description-error": ["ed-description"],
  "ed-error": [],
};

function showError(id: string, text: string): void {
  const el = $(id);
  el.textContent = text;
  el.hidden = false;
  for (const i of ERROR_INPUTS[id] ?? []) $(i).setAttribute("aria-invalid", "true");
}

function clearError(id: string): void {
  const el = $(id);
  if (el.hidden) return;
  el.hidden = true;
  el.textContent = "";
  for (const i of ERROR_INPUTS[id] ?? []) $(i).removeAttribute("aria-invalid");
}

function clearErrors(): void {
  for (const id of Object.keys(ERROR_INPUTS)) clearError(id);
}

/** Focuses the first field with an error shown (or the general error's neighbourhood). */
function focusFirstError(): void {
  for (const [id, inputs] of Object.entries(ERROR_INPUTS)) {
    if ($(id).hidden) continue;
    const target = inputs.map((i) => $(i)).find((el) => el.offsetParent !== null && !(el as HTMLInputElement).disabled);
    if (target) {
      target.focus();
      return;
    }
    if (id === "ed-alarm-error") {
      ($("ed-alarm-list").querySelector<HTMLElement>("input") ?? $("ed-alarm-add")).focus();
      return;
    }
  }
}

/** Which error line a server field (JSON pointer or field path) belongs to. */
function errorLineFor(field: string): string {
  const name = /^\/?([a-z_]+)/i.exec(field)?.[1] ?? "";
  const kind = readKind();
  const map: Record<string, string> = {
    summary: "ed-title-error",
    start: kind === "task" ? "ed-due-error" : "ed-start-error",
    end: "ed-end-error",
    duration: "ed-end-error",
    due: "ed-due-error",
    completed: "ed-due-error",
    recurrence: "ed-rec-error",
    alarms: "ed-alarm-error",
    attendees: "ed-guest-error",
    location: "ed-location-error",
    description: "ed-description-error",
    time_zone: "ed-zone-error",
  };
  return map[name] ?? "ed-error";
}

function showApiError(e: unknown): void {
  if (!(e instanceof ApiError)) {
    showError("ed-error", (e as Error)?.message ?? String(e));
    return;
  }
  let shown = false;
  for (const f of e.fields) {
    const line = errorLineFor(f.pointer);
    if (line === "ed-error") continue;
    showError(line, f.detail.charAt(0).toUpperCase() + f.detail.slice(1));
    shown = true;
  }
  if (!shown) showError("ed-error", e.message);
  focusFirstError();
}

// ---- validation -------------------------------------------------------------------------------

function validate(m: Model): boolean {
  const c = ctx!;
  let ok = true;
  const bad = (id: string, text: string) => {
    showError(id, text);
    ok = false;
  };
  if (m.kind === "event") {
    if (!m.sdate) bad("ed-start-error", "Give a start date.");
    else if (!m.allDay && !m.stime) bad("ed-start-error", "Give a start time, or make it all day.");
    if (!m.edate) bad("ed-end-error", "Give an end date.");
    else if (!m.allDay && !m.etime) bad("ed-end-error", "Give an end time.");
    const s = startWall(m);
    const e = endWall(m);
    if (s && e && naive(e) < naive(s) + (m.allDay ? DAY : 0)) bad("ed-end-error", "The end is before the start.");
  } else if (m.dtime && !m.ddate) bad("ed-due-error", "Give a due date for the time.");
  const timed = m.kind === "event" ? !m.allDay : m.dtime !== "";
  if (timed && m.zone !== "" && !isZone(m.zone) && m.zone !== c.foreignZone) bad("ed-zone-error", `“${m.zone}” is not a time zone this browser knows (e.g. Europe/Berlin, America/New_York, UTC); leave it empty for floating time.`);
  if (m.kind === "event" && m.rule.freq === "custom") {
    if (!/(^|;)FREQ=(SECONDLY|MINUTELY|HOURLY|DAILY|WEEKLY|MONTHLY|YEARLY)(;|$)/i.test(m.rule.raw)) bad("ed-rec-error", "A rule needs FREQ, e.g. FREQ=WEEKLY;BYDAY=MO.");
  } else if (m.kind === "event" && m.rule.freq !== "none") {
    if (m.rule.ends === "until" && !m.rule.until) bad("ed-rec-error", "Give the last date.");
    else if (m.rule.ends === "until" && m.sdate && m.rule.until < m.sdate) bad("ed-rec-error", "The last date is before the start.");
  }
  if (m.kind === "task" && !m.ddate && m.alarms.some((r) => r.type === "rel")) bad("ed-alarm-error", "Reminders of a task count from its due date: give one, or remove the reminders.");
  if (m.kind === "event") {
    if (!addGuest()) ok = false;
    m.guests = [...c.guests];
  }
  return ok;
}

// ---- loading -------------------------------------------------------------------------------

function newModel(init: NewInit): Model {
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

interface Loaded {
  ctx: Omit<Ctx, "base" | "rule" | "alarms" | "guests" | "lastStart" | "busy">;
  model: Model;
}

/** Reads an item (and the instance shown) into a form model. */
async function loadItem(target: { calendar: string; event: string; instance: string | null }): Promise<Loaded> {
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

// ---- opening ---------------------------------------------------------------------------------

function wire(): void {
  if (wired) return;
  wired = true;
  buildDays();
  const zones = document.getElementById("zones");
  if (zones && zones.children.length === 0) zones.append(...allZones().map((z) => h("option", { value: z })));
  const d = dialog();
  $("ed-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void save();
  });
  $("ed-close").addEventListener("click", () => d.close());
  $("ed-cancel").addEventListener("click", () => d.close());
  $("ed-delete").addEventListener("click", () => void remove());
  d.addEventListener("close", () => {
    // The close event comes a moment later: the dialog may be open again by then.
    if (d.open) return;
    generation += 1;
    ctx = null;
  });
  for (const r of document.querySelectorAll<HTMLInputElement>('#ed-kind input[name="kind"]')) {
    r.addEventListener("change", () => {
      if (!ctx || !r.checked) return;
      const kind = r.value as Kind;
      // Carry the date over: the start becomes the due date and back.
      if (kind === "task" && !input("ed-ddate").value) {
        input("ed-ddate").value = input("ed-sdate").value;
        if (!input("ed-allday").checked) input("ed-dtime").value = input("ed-stime").value;
      } else if (kind === "event" && input("ed-ddate").value) {
        moveStart(input("ed-ddate").value, input("ed-dtime").value || input("ed-stime").value);
        if (!input("ed-dtime").value) input("ed-allday").checked = true;
        renderAllDay();
      }
      fillCalendars(kind, select("ed-cal").value);
      renderKind(kind);
      clearErrors();
    });
  }
  input("ed-allday").addEventListener("change", () => {
    const all = input("ed-allday").checked;
    if (!all) {
      if (!input("ed-stime").value) input("ed-stime").value = "09:00";
      if (!input("ed-etime").value || (input("ed-edate").value === input("ed-sdate").value && input("ed-etime").value <= input("ed-stime").value)) {
        const e = fromNaive(naive(fullWall(input("ed-sdate").value || input("ed-edate").value, input("ed-stime").value)) + 3600000);
        input("ed-edate").value = e.slice(0, 10);
        input("ed-etime").value = e.slice(11, 16);
      }
    }
    ctx!.lastStart = startWall(readModel()) ?? "";
    renderAllDay();
    checkEnd();
  });
  for (const id of ["ed-sdate", "ed-stime"]) {
    input(id).addEventListener("change", () => {
      const oldDate = ctx!.lastStart.slice(0, 10);
      keepDuration();
      const date = input("ed-sdate").value;
      // A weekly rule on the start's weekday follows the start.
      const r = ctx!.rule;
      if (date && oldDate && r.days.length === 1 && r.days[0] === dayCode(oldDate)) r.days = [dayCode(date)];
      renderRule();
      renderZoneNote();
      clearError("ed-start-error");
    });
  }
  for (const id of ["ed-edate", "ed-etime"]) input(id).addEventListener("change", checkEnd);
  for (const id of ["ed-ddate", "ed-dtime"]) {
    input(id).addEventListener("change", () => {
      clearError("ed-due-error");
      renderZoneRow();
    });
  }
  input("ed-zone").addEventListener("input", () => {
    clearError("ed-zone-error");
    renderZoneNote();
  });
  input("ed-zone").addEventListener("change", () => {
    const z = canonicalZone(input("ed-zone").value);
    input("ed-zone").value = z;
    if (z && !isZone(z) && z !== ctx?.foreignZone) showError("ed-zone-error", `“${z}” is not a time zone this browser knows; pick one from the list, or leave it empty for floating time.`);
    renderZoneNote();
  });
  for (const id of ["ed-freq", "ed-interval", "ed-monthly", "ed-ends", "ed-until", "ed-count", "ed-rrule"]) {
    $(id).addEventListener(id === "ed-rrule" || id === "ed-interval" || id === "ed-count" ? "input" : "change", () => {
      if (!ctx) return;
      readRuleControl(id);
      if (id === "ed-freq" || id === "ed-ends") renderRule();
      else {
        if (id === "ed-interval") {
          const units = FREQ_UNITS[ctx.rule.freq];
          $("ed-unit").textContent = units ? units[ctx.rule.interval === 1 ? 0 : 1] : "";
        }
        renderRuleSummary();
      }
    });
  }
  $("ed-alarm-add").addEventListener("click", addAlarm);
  $("ed-guest-add").addEventListener("click", () => {
    if (addGuest()) input("ed-guest").focus();
  });
  input("ed-guest").addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      addGuest();
    }
  });
  input("ed-guest").addEventListener("input", () => clearError("ed-guest-error"));
  for (const [id, err] of [
    ["ed-title", "ed-title-error"],
    ["ed-location", "ed-location-error"],
    ["ed-description", "ed-description-error"],
  ]) $(id).addEventListener("input", () => clearError(err));
}

/** Sets the start and moves the end along, keeping the length. */
function moveStart(date: string, time: string): void {
  input("ed-sdate").value = date;
  if (time) input("ed-stime").value = time;
  keepDuration();
}

/** After the start changed: the end moves by as much. */
function keepDuration(): void {
  const c = ctx!;
  const m = readModel();
  const now = startWall(m);
  const before = c.lastStart;
  if (!now) return;
  const end = endWall({ ...m });
  if (before && end) {
    const len = Math.max(naive(end) - naive(before), m.allDay ? DAY : 0);
    const e = fromNaive(naive(now) + len);
    if (m.allDay) input("ed-edate").value = addDays(e.slice(0, 10), -1);
    else {
      input("ed-edate").value = e.slice(0, 10);
      input("ed-etime").value = e.slice(11, 16);
    }
  }
  c.lastStart = now;
  checkEnd();
}

/** The end must not be before the start (said at once, not by the server). */
function checkEnd(): boolean {
  const m = readModel();
  const s = startWall(m);
  const e = endWall(m);
  if (s && e && naive(e) < naive(s) + (m.allDay ? DAY : 0)) {
    showError("ed-end-error", "The end is before the start.");
    return false;
  }
  clearError("ed-end-error");
  return true;
}

function setReadOnly(on: boolean): void {
  const form = $<HTMLFormElement>("ed-form");
  for (const el of form.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>("input, select, textarea")) {
    if (el.id === "ed-cal") continue;
    if (el instanceof HTMLSelectElement || (el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio"))) el.disabled = on;
    else el.readOnly = on;
  }
  $("ed-save").hidden = on;
  $("ed-delete").hidden = on || !ctx?.item;
  $("ed-cancel").textContent = on ? "Close" : "Cancel";
  const note = $("ed-readonly");
  const cal = ctx ? calendar(ctx.cal) : undefined;
  note.hidden = !on;
  note.textContent = on ? `You can look at this but not change it: ${cal ? `“${fullName(cal)}” is` : "the calendar is"} shared with you read-only.` : "";
}

function show(c: Ctx, m: Model): void {
  ctx = c;
  clearErrors();
  input("ed-guest").value = "";
  writeModel(m);
  setReadOnly(c.readOnly);
  c.base = readModel();
  c.lastStart = startWall(c.base) ?? "";
  setBusy(false);
  const d = dialog();
  const focus = c.readOnly ? $("ed-cancel") : input("ed-title");
  if (!d.open) openDialog(d, focus);
  else focus.focus();
}

function setBusy(on: boolean): void {
  if (ctx) ctx.busy = on;
  $("ed-save").toggleAttribute("disabled", on);
  $("ed-delete").toggleAttribute("disabled", on);
  $("ed-form").setAttribute("aria-busy", String(on));
}

/** Options for a new item. Times are wall times in app.zone: `YYYY-MM-DDThh:mm`, or `YYYY-MM-DD` when all day (end exclusive). */
export interface NewInit {
  start?: string;
  end?: string;
  allDay?: boolean;
  kind?: "event" | "task";
  calendar?: string;
  title?: string;
}

/** Opens the dialog for a new event or task. Times are wall times in app.zone: "YYYY-MM-DDThh:mm" (or "YYYY-MM-DD" when allDay; end exclusive, as FullCalendar selects). */
export function newItem(init: NewInit = {}): void {
  wire();
  generation += 1;
  const model = newModel(init);
  const c: Ctx = {
    item: null,
    cal: model.calendar,
    etag: "",
    instance: null,
    recurring: false,
    readOnly: false,
    calZone: calZoneOf(calendar(model.calendar)),
    masterStart: null,
    masterDue: null,
    lines: [],
    ruleBase: model.sdate,
    foreignZone: "",
    hadDuration: false,
    base: model,
    rule: model.rule,
    alarms: [],
    guests: [],
    lastStart: "",
    busy: false,
  };
  show(c, model);
}

/** Opens an existing event/task; `instance` is the clicked instance's recurrence id (RFC 3339 UTC as the API gives it in Instance.recurrence_id) or null. */
export async function editItem(target: { calendar: string; event: string; instance: string | null }): Promise<void> {
  wire();
  const mine = ++generation;
  let loaded: Loaded;
  try {
    loaded = await loadItem(target);
  } catch (e) {
    if (mine === generation) status((e as Error)?.message ?? String(e), true);
    return;
  }
  if (mine !== generation) return;
  const c: Ctx = { ...loaded.ctx, base: loaded.model, rule: loaded.model.rule, alarms: [], guests: [], lastStart: "", busy: false };
  show(c, loaded.model);
}

// ---- saving -----------------------------------------------------------------------------------

/** The body of a new item. */
function createBody(m: Model): Record<string, unknown> {
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
function patchBody(m: Model, base: Model, changes: Set<Group>, scope: Scope): Record<string, unknown> {
  const c = ctx!;
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
  if (changes.has("done")) {
    p.status = m.done ? "COMPLETED" : "NEEDS-ACTION";
    p.completed = m.done ? nowUtc() : null;
    const pct = c.item?.percent_complete;
    if (m.done && pct != null && pct !== 100) p.percent_complete = 100;
    if (!m.done && pct === 100) p.percent_complete = null;
  }
  if (changes.has("rule")) {
    const lines = withRule(c.lines, ruleValue(m));
    p.recurrence = lines.length ? lines : null;
  }
  if (changes.has("alarms")) p.alarms = alarmList(m);
  if (changes.has("guests")) p.attendees = m.guests.map((email) => ({ email }));
  return p;
}

async function save(): Promise<void> {
  const c = ctx;
  if (!c || c.busy || c.readOnly) return;
  clearErrors();
  const m = readModel();
  if (!validate(m)) {
    focusFirstError();
    return;
  }
  const mine = generation;
  if (!c.item) {
    if (!m.calendar) {
      showError("ed-error", "There is no calendar to put it in.");
      return;
    }
    setBusy(true);
    try {
      await request("POST", `/calendars/${m.calendar}/events`, createBody(m));
      setPref("lastCalendar", m.calendar);
      hooks.changed(m.calendar);
      status(m.kind === "task" ? "Task added." : "Event added.");
      if (mine === generation) dialog().close();
    } catch (e) {
      if (mine === generation) showApiError(e);
    } finally {
      if (mine === generation) setBusy(false);
    }
    return;
  }
  const changes = changed(m, c.base);
  if (changes.size === 0) {
    dialog().close();
    return;
  }
  let scope: Scope = "all";
  if (c.recurring && c.instance) {
    const s = await askScope("change", !changes.has("rule"));
    if (!s || mine !== generation) return;
    scope = s;
  }
  const body = patchBody(m, c.base, changes, scope);
  setBusy(true);
  try {
    await request("PATCH", eventPath(c.cal, c.item.id, scope, c.instance), body, { headers: { "If-Match": c.etag } });
    hooks.changed(c.cal);
    status(scope === "all" ? "Saved." : scope === "this" ? "This event was changed." : "This and the following events were changed.");
    if (mine === generation) dialog().close();
  } catch (e) {
    if (mine !== generation) return;
    if (e instanceof ApiError && e.status === 412) await conflict();
    else showApiError(e);
  } finally {
    if (mine === generation) setBusy(false);
  }
}

/** Someone else changed it: reload, keep what the person changed, say so. */
async function conflict(): Promise<void> {
  const c = ctx!;
  hooks.changed(c.cal);
  const mine = generation;
  try {
    const loaded = await loadItem({ calendar: c.cal, event: c.item!.id, instance: c.instance });
    if (mine !== generation) return;
    const cur = readModel();
    const fresh = loaded.model;
    const merged: Model = { ...fresh };
    for (const g of GROUPS) {
      if (keyOf(cur, g) === keyOf(c.base, g)) continue;
      for (const f of GROUP_FIELDS[g]) (merged as unknown as Record<string, unknown>)[f] = cur[f];
    }
    Object.assign(c, loaded.ctx);
    writeModel(merged);
    setReadOnly(c.readOnly);
    c.base = fresh;
    // The form shows the merge; the baseline is the fresh version (its model, not the form).
    showError("ed-error", "This changed elsewhere (another device or tab) while you were editing. It has been reloaded with your changes kept: check it and save again.");
  } catch (err) {
    if (mine !== generation) return;
    if (err instanceof ApiError && err.status === 404) showError("ed-error", "It was deleted elsewhere meanwhile.");
    else showApiError(err);
  }
}

async function remove(): Promise<void> {
  const c = ctx;
  if (!c?.item || c.busy || c.readOnly) return;
  const mine = generation;
  const title = input("ed-title").value.trim() || (c.base.kind === "task" ? "this task" : "this event");
  let scope: Scope = "all";
  if (c.recurring && c.instance) {
    const s = await askScope("delete");
    if (!s) return;
    scope = s;
  } else if (c.recurring) {
    if (!(await confirmDialog("Delete the whole series?", `Every event of “${title}” will be deleted. This cannot be undone.`, "Delete all"))) return;
  } else if (!(await confirmDialog(`Delete “${title}”?`, "This cannot be undone.", "Delete"))) return;
  if (mine !== generation) return;
  setBusy(true);
  try {
    await request("DELETE", eventPath(c.cal, c.item.id, scope, c.instance), undefined, { headers: { "If-Match": c.etag } });
    hooks.changed(c.cal);
    status(scope === "this" ? "This event was deleted." : scope === "following" ? "This and the following events were deleted." : "Deleted.");
    if (mine === generation) dialog().close();
  } catch (e) {
    if (mine !== generation) return;
    if (e instanceof ApiError && e.status === 412) await conflict();
    else showApiError(e);
  } finally {
    if (mine === generation) setBusy(false);
  }
}

// ---- tasks from outside the dialog ---------------------------------------------------------

/**
 * Marks a task done or not done (sidebar and calendar checkboxes): PATCH of status and
 * completed with If-Match; an instance of a repeating task is changed alone (scope
 * `this`). Rejects on failure (the caller shows it and puts the checkbox back).
 */
export async function toggleDone(target: { calendar: string; event: string; instance: string | null; done: boolean }): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const item = await getEvent(target.calendar, target.event);
    const recurring = (item.recurrence?.length ?? 0) > 0 || item.recurrence_id != null;
    const instance = recurring ? target.instance : null;
    const body: Record<string, unknown> = {
      status: target.done ? "COMPLETED" : "NEEDS-ACTION",
      completed: target.done ? nowUtc() : null,
    };
    if (target.done && item.percent_complete != null && item.percent_complete !== 100) body.percent_complete = 100;
    if (!target.done && item.percent_complete === 100) body.percent_complete = null;
    try {
      await request("PATCH", eventPath(target.calendar, target.event, instance ? "this" : "all", instance), body, { headers: { "If-Match": item.etag } });
      break;
    } catch (e) {
      // Changed between the read and the write: once more with the new version.
      if (e instanceof ApiError && e.status === 412 && attempt === 0) continue;
      throw e;
    }
  }
  hooks.changed(target.calendar);
  status(target.done ? "Task done." : "Task marked as not done.");
}
