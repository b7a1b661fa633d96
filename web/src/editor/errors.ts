// Error lines of the form: shown under the field they concern (marking its inputs
// aria-invalid), the server's field errors mapped to them, focus on the first.

import { ApiError } from "../api";
import { $ } from "../dom";
import { readKind } from "./context";

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

/** Shows `text` in the error line `id` and marks its inputs invalid. */
export function showError(id: string, text: string): void {
  const el = $(id);
  el.textContent = text;
  el.hidden = false;
  for (const i of ERROR_INPUTS[id] ?? []) $(i).setAttribute("aria-invalid", "true");
}

/** Hides the error line `id` and unmarks its inputs. */
export function clearError(id: string): void {
  const el = $(id);
  if (el.hidden) return;
  el.hidden = true;
  el.textContent = "";
  for (const i of ERROR_INPUTS[id] ?? []) $(i).removeAttribute("aria-invalid");
}

/** Hides every error line. */
export function clearErrors(): void {
  for (const id of Object.keys(ERROR_INPUTS)) clearError(id);
}

/** Focuses the first field with an error shown (or the general error's neighbourhood). */
export function focusFirstError(): void {
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

/** Shows a failed request: its field errors under their fields, else the message. */
export function showApiError(e: unknown): void {
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
