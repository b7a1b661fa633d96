// Reminders: alarms read as "N units before" the start (or a task's due) where they can
// be, the list editor for them, and the alarms as the API takes them back.

import type { Alarm } from "../api";
import { $, fmtDateTime, h } from "../dom";
import { editing, readKind } from "./context";
import type { Kind } from "./context";
import { clearError } from "./errors";
import { parseDuration } from "./when";

/** The units a reminder is counted in. */
export type Unit = "minutes" | "hours" | "days" | "weeks";

const UNIT_MINUTES: Record<Unit, number> = { minutes: 1, hours: 60, days: 1440, weeks: 10080 };
const UNIT_NAMES: Record<Unit, [string, string]> = {
  minutes: ["minute", "minutes"],
  hours: ["hour", "hours"],
  days: ["day", "days"],
  weeks: ["week", "weeks"],
};

/** A reminder the dialog can edit ("N units before"), or one it shows and keeps. */
export type AlarmRow =
  | { type: "rel"; amount: number; unit: Unit; action: Alarm["action"]; description?: string | null; orig?: Alarm; origAmount?: number; origUnit?: Unit }
  | { type: "fixed"; alarm: Alarm };

function durationText(amount: number, unit: Unit): string {
  if (amount === 0) return "PT0S";
  const n = Math.floor(amount);
  return unit === "minutes" ? `-PT${n}M` : unit === "hours" ? `-PT${n}H` : unit === "days" ? `-P${n}D` : `-P${n}W`;
}

/** The reminder as the API takes it; unchanged ones exactly as they were read. */
export function alarmOf(r: AlarmRow, kind: Kind): Alarm {
  if (r.type === "fixed") return r.alarm;
  if (r.orig && r.amount === r.origAmount && r.unit === r.origUnit) return r.orig;
  const a: Alarm = { action: r.action, trigger: { duration: durationText(r.amount, r.unit), ...(kind === "task" ? { related: "end" as const } : {}) } };
  if (r.description) a.description = r.description;
  return a;
}

/** How an alarm reads in the list; editable when it is "N units before" the start (due). */
export function rowOf(a: Alarm, kind: Kind): AlarmRow {
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

/** Draws the reminder list from the dialog's state. */
export function renderAlarms(): void {
  const c = editing.ctx;
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
  const c = editing.ctx!;
  c.alarms.push({ type: "rel", amount: 10, unit: "minutes", action: "display" });
  renderAlarms();
  clearError("ed-alarm-error");
  const inputs = $("ed-alarm-list").querySelectorAll<HTMLInputElement>("input");
  inputs[inputs.length - 1]?.focus();
}

/** Wires "+ Add reminder" (once). */
export function wireReminders(): void {
  $("ed-alarm-add").addEventListener("click", addAlarm);
}
