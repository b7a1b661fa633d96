// The time fields: start and end (or due), all day, the time zone and what it means, the
// end kept in step when the start moves and never before it.

import { $ } from "../dom";
import { app } from "../state";
import { addDays, fromNaive, isZone, naive, wallStringToUtc } from "../tz";
import { editing, input, readKind } from "./context";
import { clearError, showError } from "./errors";
import { endWall, endsBeforeStart, readModel, startWall } from "./model";
import { followStart } from "./recurrence";
import { DAY, canonicalZone, fullWall } from "./when";

/** Shows or hides the times of day for "all day". */
export function renderAllDay(): void {
  const all = input("ed-allday").checked;
  input("ed-stime").hidden = all;
  input("ed-etime").hidden = all;
  renderZoneRow();
}

/** The zone matters only for times of day. */
export function renderZoneRow(): void {
  const kind = readKind();
  const timed = kind === "event" ? !input("ed-allday").checked : input("ed-dtime").value !== "";
  $("ed-zone-row").hidden = !timed;
  renderZoneNote();
}

/** Under the zone: what it means, or when that is in the zone the calendar is shown in. */
export function renderZoneNote(): void {
  const note = $("ed-zone-note");
  const zone = canonicalZone(input("ed-zone").value);
  const kind = readKind();
  const date = kind === "task" ? input("ed-ddate").value : input("ed-sdate").value;
  const time = kind === "task" ? input("ed-dtime").value : input("ed-stime").value;
  let text = "";
  if (zone === "") text = "Floating: the same clock time in every time zone.";
  else if (editing.ctx && zone === editing.ctx.foreignZone) text = "A time zone defined in this event.";
  else if (isZone(zone) && zone !== app.zone && date && time) {
    const at = wallStringToUtc(zone, fullWall(date, time));
    const there = new Date(at).toLocaleString(undefined, { timeZone: app.zone, weekday: "short", day: "numeric", month: "short", hour: "numeric", minute: "2-digit" });
    text = `${kind === "task" ? "Due" : "Starts"} ${there} in ${app.zone.replace(/_/g, " ")}.`;
  }
  note.textContent = text;
  note.hidden = text === "";
}

/** Sets the start and moves the end along, keeping the length. */
export function moveStart(date: string, time: string): void {
  input("ed-sdate").value = date;
  if (time) input("ed-stime").value = time;
  keepDuration();
}

/** After the start changed: the end moves by as much. */
function keepDuration(): void {
  const c = editing.ctx!;
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
  if (endsBeforeStart(readModel())) {
    showError("ed-end-error", "The end is before the start.");
    return false;
  }
  clearError("ed-end-error");
  return true;
}

/** Wires the time fields and the zone (once). */
export function wireTimes(): void {
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
    editing.ctx!.lastStart = startWall(readModel()) ?? "";
    renderAllDay();
    checkEnd();
  });
  for (const id of ["ed-sdate", "ed-stime"]) {
    input(id).addEventListener("change", () => {
      const oldDate = editing.ctx!.lastStart.slice(0, 10);
      keepDuration();
      followStart(oldDate);
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
    if (z && !isZone(z) && z !== editing.ctx?.foreignZone) showError("ed-zone-error", `“${z}” is not a time zone this browser knows; pick one from the list, or leave it empty for floating time.`);
    renderZoneNote();
  });
}
