// The repeat editor: the friendly controls (every N days/weeks/months/years, weekdays,
// monthly by date or weekday, until/count) and the custom RRULE field, over src/rrule.ts.

import { $, h } from "../dom";
import { DAY_CODES, buildRule, dayCode, dayName, describeRule, monthlyLabel, parseRule, weekdayOfMonth } from "../rrule";
import type { Ends, Freq, MonthlyBy, Rule } from "../rrule";
import { isZone } from "../tz";
import { editing, input, select } from "./context";
import type { Ctx } from "./context";
import { clearError } from "./errors";
import { canonicalZone, realZone } from "./when";

const FREQ_UNITS: Record<string, [string, string]> = {
  DAILY: ["day", "days"],
  WEEKLY: ["week", "weeks"],
  MONTHLY: ["month", "months"],
  YEARLY: ["year", "years"],
};

/** The date the rule's wording and defaults go by: the start in the form, else the rule's base. */
const ruleDate = (c: Ctx) => input("ed-sdate").value || c.ruleBase;

function buildDays(): void {
  const box = $("ed-days");
  if (box.querySelector("input")) return;
  const row = h("div", { class: "day-row" });
  for (const code of DAY_CODES) {
    const name = dayName(code);
    const cb = h("input", { type: "checkbox", value: code, "aria-label": name, class: "day-box" });
    cb.addEventListener("change", () => {
      const c = editing.ctx!;
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

/** "week" or "weeks" after the interval. */
function renderUnit(r: Rule): void {
  const units = FREQ_UNITS[r.freq];
  $("ed-unit").textContent = units ? units[r.interval === 1 ? 0 : 1] : "";
}

/** Sets every repeat control from the dialog's rule. */
export function renderRule(): void {
  const c = editing.ctx!;
  const r = c.rule;
  const start = ruleDate(c);
  select("ed-freq").value = r.freq;
  const friendly = r.freq !== "none" && r.freq !== "custom";
  $("ed-rec-more").hidden = !friendly;
  $("ed-custom-row").hidden = r.freq !== "custom";
  input("ed-interval").value = String(r.interval);
  renderUnit(r);
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
  const c = editing.ctx!;
  const start = ruleDate(c);
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
  const c = editing.ctx!;
  const r = c.rule;
  const start = ruleDate(c);
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
export function readRule(lines: string[], base: string, zone: string, calZone: string): Rule {
  const line = lines.find((l) => /^RRULE[:;]/i.test(l));
  const value = line?.replace(/^RRULE[^:]*:/i, "");
  return parseRule(value, base, realZone(zone, calZone));
}

/** After the start date changed (it was `oldDate`): the rule follows it, the controls are redrawn. */
export function followStart(oldDate: string): void {
  const date = input("ed-sdate").value;
  // A weekly rule on the start's weekday follows the start.
  const r = editing.ctx!.rule;
  if (date && oldDate && r.days.length === 1 && r.days[0] === dayCode(oldDate)) r.days = [dayCode(date)];
  renderRule();
}

/** Builds the weekday boxes and wires the repeat controls (once). */
export function wireRecurrence(): void {
  buildDays();
  for (const id of ["ed-freq", "ed-interval", "ed-monthly", "ed-ends", "ed-until", "ed-count", "ed-rrule"]) {
    $(id).addEventListener(id === "ed-rrule" || id === "ed-interval" || id === "ed-count" ? "input" : "change", () => {
      const c = editing.ctx;
      if (!c) return;
      readRuleControl(id);
      if (id === "ed-freq" || id === "ed-ends") renderRule();
      else {
        if (id === "ed-interval") renderUnit(c.rule);
        renderRuleSummary();
      }
    });
  }
}
