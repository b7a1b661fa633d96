// The Kairos web calendar: month, week, day and agenda views over the REST API, kept
// current by the server's change stream.

import { Calendar as FullCalendar } from "@fullcalendar/core";
import type { DateSelectArg, EventClickArg, EventDropArg, EventInput } from "@fullcalendar/core";
import dayGridPlugin from "@fullcalendar/daygrid";
import interactionPlugin from "@fullcalendar/interaction";
import type { EventResizeDoneArg } from "@fullcalendar/interaction";
import listPlugin from "@fullcalendar/list";
import timeGridPlugin from "@fullcalendar/timegrid";
import { ApiError, call, session, signOut } from "./api";
import type { Calendar, EventItem, Instance, When } from "./api";
import "./style.css";

const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const palette = ["#1e6fd9", "#d93f1e", "#1e9e5a", "#8a3fd9", "#d9a21e", "#1eb3c4"];

let calendars: Calendar[] = [];
let fc: FullCalendar;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function status(text: string, error = false): void {
  const el = $("status");
  el.textContent = text;
  el.classList.toggle("bad", error);
  el.hidden = false;
  window.setTimeout(() => (el.hidden = true), 5000);
}

function colorOf(c: Calendar, i: number): string {
  return c.color ? c.color.slice(0, 7) : palette[i % palette.length];
}

/** Black or white, whichever reads better on `hex` (WCAG contrast). */
function textOn(hex: string): string {
  const channel = (i: number) => {
    const v = parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? "#ffffff" : "#000000";
}

function nameOf(c: Calendar): string {
  const name = c.display_name || c.name;
  return c.access === "owner" ? name : `${name} (${c.owner})`;
}

// ---- calendars in the sidebar -------------------------------------------------------

async function loadCalendars(): Promise<void> {
  const list = await call<{ items: Calendar[] }>("GET", "/calendars");
  calendars = list.items;
  const ul = $("calendars");
  ul.replaceChildren();
  calendars.forEach((c, i) => {
    const li = document.createElement("li");
    const id = `cal-${c.id}`;
    const box = document.createElement("input");
    box.type = "checkbox";
    box.id = id;
    box.checked = c.visible;
    box.style.accentColor = colorOf(c, i);
    box.addEventListener("change", async () => {
      try {
        await call("PATCH", `/calendars/${c.id}`, { visible: box.checked });
        c.visible = box.checked;
        fc.refetchEvents();
      } catch (e) {
        box.checked = !box.checked;
        status((e as Error).message, true);
      }
    });
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = colorOf(c, i);
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = nameOf(c);
    li.append(box, swatch, label);
    ul.append(li);
  });
  const select = $<HTMLSelectElement>("f-calendar");
  select.replaceChildren(
    ...calendars
      .filter((c) => c.access !== "read")
      .map((c) => new Option(nameOf(c), c.id)),
  );
}

// ---- events ------------------------------------------------------------------------

/** Events of every shown calendar in the window, fetched side by side. */
async function eventsIn(start: Date, end: Date): Promise<EventInput[]> {
  const q = `start=${start.toISOString()}&end=${end.toISOString()}&expand=true`;
  const shown = calendars.map((c, i) => ({ c, i })).filter(({ c }) => c.visible);
  const pages = await Promise.all(
    shown.map(({ c }) => call<{ instances?: Instance[] }>("GET", `/calendars/${c.id}/events?${q}`)),
  );
  const out: EventInput[] = [];
  pages.forEach((page, n) => {
    const { c, i } = shown[n];
    for (const inst of page.instances ?? []) {
      const s = inst.component;
      // A task without a start shows on its due day.
      const due = s.due?.date ?? s.due?.date_time?.slice(0, 10);
      const start = inst.start ?? due;
      if (!start) continue;
      const allDay = inst.all_day || !inst.start;
      const done = s.status === "COMPLETED";
      out.push({
        id: `${c.id}|${inst.event_id}|${inst.recurrence_id ?? ""}`,
        title: (s.kind === "task" ? (done ? "☑ " : "☐ ") : "") + (s.summary || "(no title)"),
        start: allDay ? start.slice(0, 10) : start,
        end: inst.end && inst.start ? (allDay ? inst.end.slice(0, 10) : inst.end) : undefined,
        allDay,
        color: colorOf(c, i),
        textColor: textOn(colorOf(c, i)),
        classNames: done ? ["done"] : [],
        editable: c.access !== "read",
        extendedProps: { calendar: c.id, event: inst.event_id, etag: inst.etag, instance: inst.recurrence_id, recurring: (s.recurrence ?? []).length > 0 || inst.recurrence_id !== null },
      });
    }
  });
  return out;
}

/** Local wall time `YYYY-MM-DDTHH:MM:SS` of a date. */
function local(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:00`;
}

function when(d: Date, allDay: boolean): When {
  return allDay ? { date: local(d).slice(0, 10) } : { date_time: local(d), time_zone: zone };
}

/** Asks which instances a change of a repeating event is for. */
function askScope(): Promise<string> {
  const dialog = $<HTMLDialogElement>("scope");
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue || "cancel"), { once: true });
    dialog.returnValue = "";
    dialog.showModal();
  });
}

function eventPath(calendar: string, event: string, scope?: string, instance?: string | null): string {
  let path = `/calendars/${calendar}/events/${encodeURIComponent(event)}`;
  if (scope && scope !== "all" && instance) path += `?scope=${scope}&instance=${encodeURIComponent(instance)}`;
  return path;
}

async function moved(info: EventDropArg | EventResizeDoneArg): Promise<void> {
  const e = info.event;
  const p = e.extendedProps;
  let scope = "all";
  if (p.recurring) {
    scope = await askScope();
    if (scope === "cancel") return info.revert();
  }
  if (scope === "all" && p.recurring) {
    // Moving a whole series by dragging one instance is ambiguous: only times of this
    // instance are known here.
    status("To move every event of a series, edit the series instead.");
    return info.revert();
  }
  const end = e.end ?? new Date(e.start!.getTime() + (e.allDay ? 86400000 : 3600000));
  try {
    await call("PATCH", eventPath(p.calendar, p.event, scope, p.instance), { start: when(e.start!, e.allDay), end: when(end, e.allDay) }, { "If-Match": p.etag });
  } catch (err) {
    info.revert();
    status((err as Error).message, true);
  }
  fc.refetchEvents();
}

// ---- the editor --------------------------------------------------------------------

interface Editing {
  calendar: string;
  event?: string;
  etag?: string;
  instance?: string | null;
  recurring: boolean;
}
let editing: Editing | null = null;

function toInput(d: Date): string {
  return local(d).slice(0, 16);
}

function openEditor(e: Editing, fields: { title?: string; start: Date; end: Date; allDay: boolean; location?: string; description?: string; repeat?: string }): void {
  editing = e;
  $("editor-title").textContent = e.event ? "Edit event" : "New event";
  $<HTMLInputElement>("f-title").value = fields.title ?? "";
  $<HTMLInputElement>("f-allday").checked = fields.allDay;
  $<HTMLInputElement>("f-start").value = toInput(fields.start);
  $<HTMLInputElement>("f-end").value = toInput(fields.end);
  $<HTMLInputElement>("f-location").value = fields.location ?? "";
  $<HTMLTextAreaElement>("f-description").value = fields.description ?? "";
  const cal = $<HTMLSelectElement>("f-calendar");
  cal.value = e.calendar;
  cal.disabled = Boolean(e.event);
  $<HTMLSelectElement>("f-repeat").value = fields.repeat ?? "";
  $<HTMLSelectElement>("f-repeat").disabled = Boolean(e.event);
  $("f-delete").hidden = !e.event;
  $("editor-error").hidden = true;
  $<HTMLDialogElement>("editor").showModal();
  $<HTMLInputElement>("f-title").focus();
}

function newEvent(start?: Date, end?: Date, allDay = false): void {
  const writable = calendars.find((c) => c.access !== "read" && c.visible) ?? calendars.find((c) => c.access !== "read");
  if (!writable) return status("No calendar you can add events to.", true);
  const s = start ?? new Date(Math.ceil(Date.now() / 3600000) * 3600000);
  openEditor({ calendar: writable.id, recurring: false }, { start: s, end: end ?? new Date(s.getTime() + 3600000), allDay });
}

async function openExisting(info: EventClickArg): Promise<void> {
  const p = info.event.extendedProps;
  try {
    const item = await call<EventItem>("GET", eventPath(p.calendar, p.event));
    const e = info.event;
    openEditor(
      { calendar: p.calendar, event: p.event, etag: item.etag, instance: p.instance, recurring: p.recurring },
      {
        title: item.summary ?? "",
        start: e.start!,
        end: e.end ?? new Date(e.start!.getTime() + 3600000),
        allDay: e.allDay,
        location: item.location ?? "",
        description: item.description ?? "",
      },
    );
  } catch (err) {
    status((err as Error).message, true);
  }
}

async function save(): Promise<void> {
  if (!editing) return;
  const allDay = $<HTMLInputElement>("f-allday").checked;
  const start = new Date($<HTMLInputElement>("f-start").value);
  const end = new Date($<HTMLInputElement>("f-end").value);
  if (!(end > start)) throw new ApiError(422, "The end must be after the start.");
  const fields: Record<string, unknown> = {
    summary: $<HTMLInputElement>("f-title").value,
    location: $<HTMLInputElement>("f-location").value || null,
    description: $<HTMLTextAreaElement>("f-description").value || null,
    start: when(start, allDay),
    end: when(allDay ? new Date(end.getTime() + 86400000) : end, allDay),
  };
  if (editing.event) {
    let scope = "all";
    if (editing.recurring) {
      scope = await askScope();
      if (scope === "cancel") return;
      if (scope === "all") {
        // The series keeps its own times; only the descriptive fields change for all.
        delete fields.start;
        delete fields.end;
      }
    }
    await call("PATCH", eventPath(editing.calendar, editing.event, scope, editing.instance), fields, editing.etag ? { "If-Match": editing.etag } : {});
  } else {
    const repeat = $<HTMLSelectElement>("f-repeat").value;
    if (repeat) fields.recurrence = [`RRULE:${repeat}`];
    await call("POST", `/calendars/${$<HTMLSelectElement>("f-calendar").value}/events`, fields);
  }
}

async function remove(): Promise<void> {
  if (!editing?.event) return;
  let scope = "all";
  if (editing.recurring) {
    scope = await askScope();
    if (scope === "cancel") return;
  } else if (!window.confirm("Delete this event?")) {
    return;
  }
  await call("DELETE", eventPath(editing.calendar, editing.event, scope, editing.instance), undefined, editing.etag && scope === "all" ? { "If-Match": editing.etag } : {});
}

function wireEditor(): void {
  const dialog = $<HTMLDialogElement>("editor");
  const failed = (err: unknown) => {
    const el = $("editor-error");
    el.textContent = (err as Error).message;
    el.hidden = false;
    if (err instanceof ApiError && err.status === 412) fc.refetchEvents();
  };
  $("editor-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await save();
      dialog.close();
      fc.refetchEvents();
    } catch (err) {
      failed(err);
    }
  });
  $("f-delete").addEventListener("click", async () => {
    try {
      await remove();
      dialog.close();
      fc.refetchEvents();
    } catch (err) {
      failed(err);
    }
  });
  $("f-cancel").addEventListener("click", () => dialog.close());
  $<HTMLInputElement>("f-allday").addEventListener("change", (ev) => {
    const type = (ev.target as HTMLInputElement).checked ? "date" : "datetime-local";
    for (const id of ["f-start", "f-end"]) {
      const input = $<HTMLInputElement>(id);
      const v = input.value;
      input.type = type;
      input.value = type === "date" ? v.slice(0, 10) : `${v.slice(0, 10)}T09:00`;
    }
  });
}

// ---- live changes ------------------------------------------------------------------

function listen(): void {
  let timer = 0;
  const refetch = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => fc.refetchEvents(), 300);
  };
  if (typeof EventSource === "undefined") {
    window.setInterval(refetch, 60000);
    return;
  }
  const source = new EventSource("/api/v1/changes");
  source.addEventListener("changed", refetch);
  source.addEventListener("resync", async () => {
    await loadCalendars();
    refetch();
  });
}

// ---- keyboard ----------------------------------------------------------------------

function shortcuts(): void {
  document.addEventListener("keydown", (ev) => {
    const t = ev.target as HTMLElement;
    if (ev.ctrlKey || ev.metaKey || ev.altKey || t.closest("input, textarea, select, dialog")) return;
    const views: Record<string, string> = { d: "timeGridDay", w: "timeGridWeek", m: "dayGridMonth", a: "listWeek" };
    if (ev.key === "t") fc.today();
    else if (ev.key === "n") newEvent();
    else if (ev.key === "ArrowLeft" || ev.key === "k") fc.prev();
    else if (ev.key === "ArrowRight" || ev.key === "j") fc.next();
    else if (views[ev.key]) fc.changeView(views[ev.key]);
    else return;
    ev.preventDefault();
  });
}

// ---- start -------------------------------------------------------------------------

function showTitle(): void {
  $("title").textContent = fc.view.title;
  for (const b of document.querySelectorAll<HTMLButtonElement>("[data-view]")) {
    b.setAttribute("aria-pressed", String(b.dataset.view === fc.view.type));
  }
}

async function start(): Promise<void> {
  const user = await session();
  $("who").textContent = `Signed in as ${user}`;
  await loadCalendars();
  const narrow = window.matchMedia("(max-width: 700px)").matches;
  fc = new FullCalendar($("calendar"), {
    plugins: [dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin],
    initialView: narrow ? "listWeek" : "dayGridMonth",
    headerToolbar: false,
    height: "100%",
    firstDay: 1,
    nowIndicator: true,
    dayMaxEvents: true,
    selectable: true,
    selectMirror: true,
    editable: true,
    events: (info, ok, fail) => {
      eventsIn(info.start, info.end).then(ok, (e: Error) => {
        status(e.message, true);
        fail(e);
      });
    },
    select: (s: DateSelectArg) => {
      fc.unselect();
      const end = s.allDay ? new Date(s.end.getTime() - 86400000) : s.end;
      newEvent(s.start, end, s.allDay);
    },
    eventClick: (info) => void openExisting(info),
    eventDrop: (info) => void moved(info),
    eventResize: (info) => void moved(info),
    datesSet: showTitle,
    // The day cell takes its name from what it shows (its date link alone named it,
    // which hid the events from the name).
    dayCellDidMount: (info) => info.el.removeAttribute("aria-labelledby"),
    // "+3 more" opens a popover: a button (FullCalendar marks the link aria-expanded,
    // which links may not carry).
    moreLinkDidMount: (info) => info.el.setAttribute("role", "button"),
  });
  fc.render();
  showTitle();

  $("today").addEventListener("click", () => fc.today());
  $("prev").addEventListener("click", () => fc.prev());
  $("next").addEventListener("click", () => fc.next());
  $("new").addEventListener("click", () => newEvent());
  $<HTMLInputElement>("jump").addEventListener("change", (ev) => {
    const v = (ev.target as HTMLInputElement).value;
    if (v) fc.gotoDate(v);
  });
  for (const b of document.querySelectorAll<HTMLButtonElement>("[data-view]")) {
    b.addEventListener("click", () => fc.changeView(b.dataset.view!));
  }
  $("signout").addEventListener("click", () => void signOut());
  const menu = $("menu");
  menu.addEventListener("click", () => {
    const open = document.body.classList.toggle("drawer");
    menu.setAttribute("aria-expanded", String(open));
  });
  wireEditor();
  shortcuts();
  listen();
}

start().catch((e: Error) => status(e.message, true));
