// The calendar itself: FullCalendar with one event source per shown calendar (fed by
// store.ts), in the zone the person chose, with drag to create, move and resize.

import { Calendar as FullCalendar } from "@fullcalendar/core";
import type { EventApi, EventDropArg, EventSourceInput } from "@fullcalendar/core";
import dayGridPlugin from "@fullcalendar/daygrid";
import interactionPlugin from "@fullcalendar/interaction";
import type { EventResizeDoneArg } from "@fullcalendar/interaction";
import listPlugin from "@fullcalendar/list";
import timeGridPlugin from "@fullcalendar/timegrid";
import { ApiError, call, eventPath, getEvent } from "./api";
import type { Calendar, Scope, When } from "./api";
import { askScope } from "./dialogs";
import { $, failed, pref, setPref, status } from "./dom";
import { editItem, newItem } from "./editor";
import { app, colorOf, textOn, writable } from "./state";
import { eventsOf, forget, prefetch, whenAt, zoneOfWhen } from "./store";
import type { Props } from "./store";
import { addDays, fromNaive, naive, wallString, zonePlugin } from "./tz";

export let fc: FullCalendar;

const DAY = 86400000;
const VIEWS = ["dayGridMonth", "timeGridWeek", "timeGridDay", "agenda"];

function source(c: Calendar): EventSourceInput {
  const color = colorOf(c);
  return {
    id: c.id,
    color,
    textColor: textOn(color),
    editable: writable(c),
    events: (info, ok, fail) => {
      eventsOf(c, info.start.valueOf(), info.end.valueOf()).then(ok, (e: Error) => {
        failed(e);
        fail(e);
      });
    },
  };
}

/** Puts one event source per shown calendar (after the list or a calendar changed). */
export function showCalendars(): void {
  fc.batchRendering(() => {
    for (const s of fc.getEventSources()) s.remove();
    for (const c of app.calendars) if (c.visible) fc.addEventSource(source(c));
  });
}

/** A calendar's events changed: forget what was fetched and fetch again. */
export function refetch(calendar: string): void {
  forget(calendar);
  fc.getEventSourceById(calendar)?.refetch();
}

/** The neighbouring stretches, fetched while the browser is idle. */
function prefetchAround(): void {
  const idle = (window as unknown as { requestIdleCallback?: (f: () => void) => void }).requestIdleCallback ?? ((f: () => void) => window.setTimeout(f, 200));
  idle(() => {
    const from = fc.view.activeStart.valueOf();
    const to = fc.view.activeEnd.valueOf();
    const span = to - from;
    for (const c of app.calendars) {
      if (!c.visible) continue;
      prefetch(c, to, to + span);
      prefetch(c, from - span, from);
    }
  });
}

const props = (e: EventApi) => e.extendedProps as Props;

/** A When moved by whole days and milliseconds, on its own clock. */
function shifted(w: When, days: number, ms: number): When {
  if (w.date) return { date: addDays(w.date, days) };
  const dt = w.date_time ?? "";
  if (dt.endsWith("Z")) return { date_time: `${new Date(Date.parse(dt) + days * DAY + ms).toISOString().slice(0, 19)}Z` };
  return { ...w, date_time: fromNaive(naive(dt) + days * DAY + ms) };
}

/** Moving a whole series by one instance's drag: the series' own times move as much. */
async function moveSeries(p: Props, info: EventDropArg | EventResizeDoneArg): Promise<Record<string, When>> {
  if ("oldEvent" in info && info.oldEvent.allDay !== info.event.allDay) {
    throw new ApiError(422, "A whole series cannot change between all-day and timed by dragging: open it to edit.");
  }
  const item = await getEvent(p.cal, p.event);
  p.etag = item.etag;
  const startDelta = "delta" in info ? info.delta : info.startDelta;
  const endDelta = "delta" in info ? info.delta : info.endDelta;
  const out: Record<string, When> = {};
  const days = (d: typeof startDelta) => d.years * 365 + d.months * 30 + d.days;
  if (item.kind === "task") {
    if (item.due) out.due = shifted(item.due, days(startDelta), startDelta.milliseconds);
    if (item.start) out.start = shifted(item.start, days(startDelta), startDelta.milliseconds);
    return out;
  }
  if (item.start) out.start = shifted(item.start, days(startDelta), startDelta.milliseconds);
  if (item.end) out.end = shifted(item.end, days(endDelta), endDelta.milliseconds);
  return out;
}

/** The new times of the dragged instance, in the zone the event keeps them in. */
function instanceTimes(e: EventApi, p: Props): Record<string, When> {
  const c = p.inst.component;
  // A date-only event made timed gets the zone on screen; floating stays floating.
  const zone = c.start?.date ? app.zone : zoneOfWhen(c.start ?? c.due);
  const start = e.start!.valueOf();
  if (p.kind === "task") return { [c.due ? "due" : "start"]: whenAt(start, e.allDay, zone, app.zone) };
  const end = e.end?.valueOf() ?? start + (e.allDay ? DAY : 3600000);
  return { start: whenAt(start, e.allDay, zone, app.zone), end: whenAt(end, e.allDay, zone, app.zone) };
}

async function moved(info: EventDropArg | EventResizeDoneArg): Promise<void> {
  const p = props(info.event);
  let scope: Scope = "all";
  if (p.recurring) {
    const chosen = await askScope("move");
    if (!chosen) return info.revert();
    scope = chosen;
  }
  try {
    const fields = scope === "all" && p.recurring ? await moveSeries(p, info) : instanceTimes(info.event, p);
    await call("PATCH", eventPath(p.cal, p.event, scope, p.instance), fields, { headers: { "If-Match": p.etag } });
    status(scope === "all" ? "Moved." : scope === "this" ? "Moved this event." : "Moved this and the following events.");
  } catch (e) {
    info.revert();
    failed(e);
  }
  refetch(p.cal);
}

function showTitle(): void {
  $("title").textContent = fc.view.title;
  for (const b of document.querySelectorAll<HTMLButtonElement>("[data-view]")) {
    b.setAttribute("aria-pressed", String(b.dataset.view === fc.view.type));
  }
  $<HTMLInputElement>("jump").value = wallString(app.zone, fc.getDate().valueOf()).slice(0, 10);
}

/** Builds the calendar in `#calendar` (not rendered yet: `fc.render()`). */
export function createView(onRange: () => void): FullCalendar {
  const narrow = window.matchMedia("(max-width: 700px)").matches;
  const saved = pref("view");
  fc = new FullCalendar($("calendar"), {
    plugins: [dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin, zonePlugin],
    timeZone: app.zone,
    initialView: saved && VIEWS.includes(saved) ? saved : narrow ? "agenda" : "dayGridMonth",
    views: { agenda: { type: "list", duration: { weeks: 2 }, listDayFormat: { weekday: "long", day: "numeric", month: "long" } } },
    headerToolbar: false,
    height: "100%",
    firstDay: 1,
    nowIndicator: true,
    dayMaxEvents: true,
    selectable: true,
    selectMirror: true,
    editable: true,
    eventStartEditable: true,
    scrollTime: "07:30:00",
    // Side by side, never on top of each other: every event stays reachable to click.
    slotEventOverlap: false,
    noEventsText: "Nothing planned",
    select: (s) => {
      fc.unselect();
      const wall = (d: Date) => (s.allDay ? s.startStr.slice(0, 10) : wallString(app.zone, d.valueOf()).slice(0, 16));
      newItem({ start: wall(s.start), end: s.allDay ? s.endStr.slice(0, 10) : wall(s.end), allDay: s.allDay });
    },
    eventClick: (info) => {
      info.jsEvent.preventDefault();
      const p = props(info.event);
      void editItem({ calendar: p.cal, event: p.event, instance: p.instance });
    },
    eventDrop: (info) => void moved(info),
    eventResize: (info) => void moved(info),
    eventDidMount: (info) => {
      // Screen readers hear what a color shows: whose calendar, and a task's state.
      const p = props(info.event);
      const cal = app.calendars.find((c) => c.id === p.cal);
      const what = p.kind === "task" ? (p.done ? "done task" : "task") : "";
      info.el.setAttribute("title", [info.event.title, what, cal ? cal.display_name || cal.name : ""].filter(Boolean).join(" · "));
    },
    // Tasks carry a box glyph before their title (built as text, never HTML).
    eventContent: (arg) => {
      const p = props(arg.event);
      if (p.kind !== "task") return true;
      const el = document.createElement("span");
      el.className = "task-title";
      el.textContent = `${p.done ? "☑" : "☐"} ${arg.timeText ? `${arg.timeText} ` : ""}${arg.event.title}`;
      return { domNodes: [el] };
    },
    datesSet: () => {
      showTitle();
      setPref("view", fc.view.type);
      prefetchAround();
      onRange();
    },
    eventsSet: () => onRange(),
    // The day cell takes its name from what it shows (its date link alone named it,
    // which hid the events from the name).
    dayCellDidMount: (info) => info.el.removeAttribute("aria-labelledby"),
    // "+3 more" opens a popover: a button (FullCalendar marks the link aria-expanded,
    // which links may not carry).
    moreLinkDidMount: (info) => info.el.setAttribute("role", "button"),
  });
  return fc;
}

/** Shows the calendar in another zone. */
export function setViewZone(zone: string): void {
  fc.setOption("timeZone", zone);
  showTitle();
}

export function changeView(view: string): void {
  if (VIEWS.includes(view)) fc.changeView(view);
}

