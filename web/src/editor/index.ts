// The event and task dialog: title, times in a time zone, a friendly recurrence editor,
// reminders and guests. New items are POSTed whole; edits PATCH only what changed (so
// what the JSON does not model survives), with If-Match, and for an instance of a series
// with the scope the person picks ("all" moves the series by what the instance moved).
// This file opens the dialog and wires it; the parts are in the files beside it.

import "./editor.css";
import { $, h, openDialog, status } from "../dom";
import { calendar } from "../state";
import { allZones } from "../tz";
import { dialog, editing, input } from "./context";
import type { Ctx } from "./context";
import { clearError, clearErrors } from "./errors";
import { setReadOnly, wireKind, writeModel } from "./form";
import { wireGuests } from "./guests";
import { loadItem, newModel } from "./load";
import type { Loaded, NewInit } from "./load";
import { readModel, startWall } from "./model";
import type { Model } from "./model";
import { wireRecurrence } from "./recurrence";
import { wireReminders } from "./reminders";
import { remove, save, setBusy } from "./save";
import { wireTimes } from "./times";
import { calZoneOf } from "./when";

/** Options for a new item (see load.ts). */
export type { NewInit } from "./load";
/** Marks a task done or not done from outside the dialog (see tasks.ts). */
export { toggleDone } from "./tasks";

let wired = false;

/** Wires the dialog's controls, the first time it opens. */
function wire(): void {
  if (wired) return;
  wired = true;
  wireRecurrence();
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
    editing.generation += 1;
    editing.ctx = null;
  });
  wireKind();
  wireTimes();
  wireReminders();
  wireGuests();
  for (const [id, err] of [
    ["ed-title", "ed-title-error"],
    ["ed-location", "ed-location-error"],
    ["ed-description", "ed-description-error"],
  ]) $(id).addEventListener("input", () => clearError(err));
}

/** Makes `c` what is edited, fills the form from `m` and opens (or focuses) the dialog. */
function show(c: Ctx, m: Model): void {
  editing.ctx = c;
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

/** Opens the dialog for a new event or task. Times are wall times in app.zone: "YYYY-MM-DDThh:mm" (or "YYYY-MM-DD" when allDay; end exclusive, as FullCalendar selects). */
export function newItem(init: NewInit = {}): void {
  wire();
  editing.generation += 1;
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
  const mine = ++editing.generation;
  let loaded: Loaded;
  try {
    loaded = await loadItem(target);
  } catch (e) {
    if (mine === editing.generation) status((e as Error)?.message ?? String(e), true);
    return;
  }
  if (mine !== editing.generation) return;
  const c: Ctx = { ...loaded.ctx, base: loaded.model, rule: loaded.model.rule, alarms: [], guests: [], lastStart: "", busy: false };
  show(c, loaded.model);
}
