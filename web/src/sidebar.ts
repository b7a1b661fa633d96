// The side panel: the person's calendars and those shared with them (show/hide), the
// tasks of what is on screen (checkable), and the time zone the calendar is shown in.

import { call } from "./api";
import type { Calendar } from "./api";
import { $, failed, h } from "./dom";
import { editItem, toggleDone } from "./editor";
import { app, colorOf, fullName, nameOf, setZone, sortCalendars } from "./state";
import { isDone, undatedTasks } from "./store";
import type { Props } from "./store";
import { allZones, browserZone, isZone, zoneLabel } from "./tz";
import { fc, setViewZone, showCalendars } from "./view";

function calendarRow(c: Calendar): HTMLLIElement {
  const id = `cal-${c.id}`;
  const box = h("input", { type: "checkbox", id, checked: c.visible });
  box.style.accentColor = colorOf(c);
  box.addEventListener("change", async () => {
    try {
      await call("PATCH", `/calendars/${c.id}`, { visible: box.checked });
      c.visible = box.checked;
      showCalendars();
    } catch (e) {
      box.checked = !box.checked;
      failed(e);
    }
  });
  const swatch = h("span", { class: "swatch", "aria-hidden": "true" });
  swatch.style.background = colorOf(c);
  const label = h("label", { for: id, title: fullName(c) }, nameOf(c));
  const extra = c.access === "owner" ? null : h("span", { class: "muted small owner" }, c.owner);
  return h("li", {}, box, swatch, label, extra);
}

/** Draws the two calendar lists. */
export function renderCalendars(): void {
  const list = sortCalendars(app.calendars);
  const mine = list.filter((c) => c.access === "owner");
  const shared = list.filter((c) => c.access !== "owner");
  $("mine").replaceChildren(...mine.map(calendarRow));
  $("shared").replaceChildren(...shared.map(calendarRow));
  $("shared-section").hidden = shared.length === 0;
}

let tasksTimer = 0;

/** Redraws the task list soon (FullCalendar tells of each batch of events). */
export function renderTasksSoon(): void {
  window.clearTimeout(tasksTimer);
  tasksTimer = window.setTimeout(renderTasks, 50);
}

interface TaskRow {
  cal: string;
  event: string;
  instance: string | null;
  title: string;
  due: number | null;
  done: boolean;
}

/** Open tasks on screen and those without a date, soonest first; done ones last. */
function renderTasks(): void {
  const rows: TaskRow[] = [];
  for (const e of fc.getEvents()) {
    const p = e.extendedProps as Props;
    if (p.kind !== "task") continue;
    rows.push({ cal: p.cal, event: p.event, instance: p.instance, title: e.title, due: e.start?.valueOf() ?? null, done: p.done });
  }
  for (const c of app.calendars) {
    if (!c.visible) continue;
    for (const t of undatedTasks(c.id)) {
      rows.push({ cal: c.id, event: t.event_id, instance: null, title: t.component.summary || "(untitled task)", due: null, done: isDone(t.component.status) });
    }
  }
  rows.sort((a, b) => Number(a.done) - Number(b.done) || (a.due ?? Infinity) - (b.due ?? Infinity));
  const items = rows.slice(0, 50).map((t, i) => {
    const id = `task-${i}`;
    const box = h("input", { type: "checkbox", id, checked: t.done });
    box.addEventListener("change", async () => {
      box.disabled = true;
      try {
        await toggleDone({ calendar: t.cal, event: t.event, instance: t.instance, done: box.checked });
      } catch (e) {
        box.checked = !box.checked;
        failed(e);
      } finally {
        box.disabled = false;
      }
    });
    const when = t.due === null ? "" : new Date(t.due).toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: app.zone });
    const open = h("button", { type: "button", class: "link task-open", onclick: () => void editItem({ calendar: t.cal, event: t.event, instance: t.instance }) }, t.title);
    const label = h("label", { for: id, class: "visually-hidden" }, `Done: ${t.title}`);
    return h("li", { class: t.done ? "done" : "" }, box, label, open, when ? h("span", { class: "muted small" }, when) : null);
  });
  $("tasks").replaceChildren(...(items.length ? items : [h("li", { class: "muted small" }, "No tasks in view.")]));
}

/** The time zone field: the browser's zone unless the person chose another. */
export function wireZone(): void {
  const input = $<HTMLInputElement>("zone");
  const note = $("zone-note");
  const list = $("zones");
  list.replaceChildren(...allZones().map((z) => h("option", { value: z })));
  const show = () => {
    input.value = app.zone;
    note.textContent = app.zone === browserZone ? `${zoneLabel(app.zone)}, this device's zone.` : `${zoneLabel(app.zone)}. This device is in ${browserZone}.`;
  };
  show();
  input.addEventListener("change", () => {
    const z = input.value.trim() || browserZone;
    if (!isZone(z)) {
      input.setAttribute("aria-invalid", "true");
      note.textContent = `“${z}” is not a time zone name (e.g. Europe/Berlin).`;
      return;
    }
    input.removeAttribute("aria-invalid");
    setZone(z);
    setViewZone(z);
    show();
  });
}
