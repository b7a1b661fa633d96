// The form as a whole: a model written into every field, the calendars it can go to, the
// event or task parts shown, and the read-only state of a calendar shared read-only.

import { $ } from "../dom";
import { app, calendar, defaultCalendar, fullName, writable } from "../state";
import { dialog, editing, input, select } from "./context";
import type { Kind } from "./context";
import { clearErrors } from "./errors";
import { renderGuests } from "./guests";
import { startWall } from "./model";
import type { Model } from "./model";
import { renderRule } from "./recurrence";
import { renderAlarms } from "./reminders";
import { moveStart, renderAllDay, renderZoneNote, renderZoneRow } from "./times";

/** Puts a model into the form and the dialog's state, and draws what depends on it. */
export function writeModel(m: Model): void {
  const c = editing.ctx!;
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
  const c = editing.ctx!;
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
  const c = editing.ctx!;
  for (const el of dialog().querySelectorAll<HTMLElement>(".ev-only")) el.hidden = kind !== "event";
  for (const el of dialog().querySelectorAll<HTMLElement>(".task-only")) el.hidden = kind !== "task";
  const what = kind === "task" ? "task" : "event";
  $("ed-heading").textContent = c.readOnly ? (kind === "task" ? "Task" : "Event") : c.item ? `Edit ${what}` : `New ${what}`;
  $("ed-kind").hidden = c.item !== null;
  renderZoneRow();
  renderAlarms();
}

/** Makes the form read-only (a calendar shared read-only) or editable again. */
export function setReadOnly(on: boolean): void {
  const form = $<HTMLFormElement>("ed-form");
  for (const el of form.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>("input, select, textarea")) {
    if (el.id === "ed-cal") continue;
    if (el instanceof HTMLSelectElement || (el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio"))) el.disabled = on;
    else el.readOnly = on;
  }
  $("ed-save").hidden = on;
  $("ed-delete").hidden = on || !editing.ctx?.item;
  $("ed-cancel").textContent = on ? "Close" : "Cancel";
  const note = $("ed-readonly");
  const cal = editing.ctx ? calendar(editing.ctx.cal) : undefined;
  note.hidden = !on;
  note.textContent = on ? `You can look at this but not change it: ${cal ? `“${fullName(cal)}” is` : "the calendar is"} shared with you read-only.` : "";
}

/** Wires the event/task switch of a new item (once). */
export function wireKind(): void {
  for (const r of document.querySelectorAll<HTMLInputElement>('#ed-kind input[name="kind"]')) {
    r.addEventListener("change", () => {
      if (!editing.ctx || !r.checked) return;
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
}
