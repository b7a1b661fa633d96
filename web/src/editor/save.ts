// Saving and deleting: the checks before saving, POST of a new item, PATCH of what changed
// and DELETE, with If-Match and the scope picked for an instance of a series; when it
// changed elsewhere meanwhile (412), reloaded with the person's changes kept.

import { ApiError, eventPath, request } from "../api";
import type { Scope } from "../api";
import { askScope, confirmDialog } from "../dialogs";
import { $, setPref, status } from "../dom";
import { hooks } from "../state";
import { isZone } from "../tz";
import { dialog, editing, input } from "./context";
import { clearErrors, focusFirstError, showApiError, showError } from "./errors";
import { setReadOnly, writeModel } from "./form";
import { addGuest } from "./guests";
import { loadItem } from "./load";
import { GROUPS, GROUP_FIELDS, changed, createBody, endsBeforeStart, keyOf, patchBody, readModel } from "./model";
import type { Model } from "./model";

/** Checks the form before saving, showing what is wrong; takes a guest still in the field. */
function validate(m: Model): boolean {
  const c = editing.ctx!;
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
    if (endsBeforeStart(m)) bad("ed-end-error", "The end is before the start.");
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

/** Disables saving and deleting while a request is under way. */
export function setBusy(on: boolean): void {
  if (editing.ctx) editing.ctx.busy = on;
  $("ed-save").toggleAttribute("disabled", on);
  $("ed-delete").toggleAttribute("disabled", on);
  $("ed-form").setAttribute("aria-busy", String(on));
}

/** Saves the form: POST of a new item, or PATCH of what changed (asking the scope for an instance). */
export async function save(): Promise<void> {
  const c = editing.ctx;
  if (!c || c.busy || c.readOnly) return;
  clearErrors();
  const m = readModel();
  if (!validate(m)) {
    focusFirstError();
    return;
  }
  const mine = editing.generation;
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
      if (mine === editing.generation) dialog().close();
    } catch (e) {
      if (mine === editing.generation) showApiError(e);
    } finally {
      if (mine === editing.generation) setBusy(false);
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
    if (!s || mine !== editing.generation) return;
    scope = s;
  }
  const body = patchBody(m, c.base, changes, scope);
  setBusy(true);
  try {
    await request("PATCH", eventPath(c.cal, c.item.id, scope, c.instance), body, { headers: { "If-Match": c.etag } });
    hooks.changed(c.cal);
    status(scope === "all" ? "Saved." : scope === "this" ? "This event was changed." : "This and the following events were changed.");
    if (mine === editing.generation) dialog().close();
  } catch (e) {
    if (mine !== editing.generation) return;
    if (e instanceof ApiError && e.status === 412) await conflict();
    else showApiError(e);
  } finally {
    if (mine === editing.generation) setBusy(false);
  }
}

/** Someone else changed it: reload, keep what the person changed, say so. */
async function conflict(): Promise<void> {
  const c = editing.ctx!;
  hooks.changed(c.cal);
  const mine = editing.generation;
  try {
    const loaded = await loadItem({ calendar: c.cal, event: c.item!.id, instance: c.instance });
    if (mine !== editing.generation) return;
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
    if (mine !== editing.generation) return;
    if (err instanceof ApiError && err.status === 404) showError("ed-error", "It was deleted elsewhere meanwhile.");
    else showApiError(err);
  }
}

/** Deletes the item after asking (for an instance of a series: which events). */
export async function remove(): Promise<void> {
  const c = editing.ctx;
  if (!c?.item || c.busy || c.readOnly) return;
  const mine = editing.generation;
  const title = input("ed-title").value.trim() || (c.base.kind === "task" ? "this task" : "this event");
  let scope: Scope = "all";
  if (c.recurring && c.instance) {
    const s = await askScope("delete");
    if (!s) return;
    scope = s;
  } else if (c.recurring) {
    if (!(await confirmDialog("Delete the whole series?", `Every event of “${title}” will be deleted. This cannot be undone.`, "Delete all"))) return;
  } else if (!(await confirmDialog(`Delete “${title}”?`, "This cannot be undone.", "Delete"))) return;
  if (mine !== editing.generation) return;
  setBusy(true);
  try {
    await request("DELETE", eventPath(c.cal, c.item.id, scope, c.instance), undefined, { headers: { "If-Match": c.etag } });
    hooks.changed(c.cal);
    status(scope === "this" ? "This event was deleted." : scope === "following" ? "This and the following events were deleted." : "Deleted.");
    if (mine === editing.generation) dialog().close();
  } catch (e) {
    if (mine !== editing.generation) return;
    if (e instanceof ApiError && e.status === 412) await conflict();
    else showApiError(e);
  } finally {
    if (mine === editing.generation) setBusy(false);
  }
}
