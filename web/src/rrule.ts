// The friendly recurrence editor's model: an RRULE read into "every N weeks on Mon and
// Wed, until …" when it fits, kept as raw text ("custom") when it does not.

import { dateIn, splitWall, wallToUtc } from "./tz";

export type Freq = "none" | "DAILY" | "WEEKLY" | "MONTHLY" | "YEARLY" | "custom";
export type MonthlyBy = "date" | "weekday" | "last";
export type Ends = "never" | "until" | "count";

export interface Rule {
  freq: Freq;
  interval: number;
  /** Weekly: MO, TU, … */
  days: string[];
  monthly: MonthlyBy;
  ends: Ends;
  /** YYYY-MM-DD, the last day (inclusive). */
  until: string;
  count: number;
  /** The RRULE value (without `RRULE:`) for "custom". */
  raw: string;
}

export const DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const ORDINALS = ["first", "second", "third", "fourth", "fifth"];

/** Weekday code of a date `YYYY-MM-DD`. */
export function dayCode(date: string): string {
  const [y, m, d] = splitWall(date);
  return DAY_CODES[(new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7];
}

export function dayName(code: string): string {
  return DAY_NAMES[DAY_CODES.indexOf(code)] ?? code;
}

/** Which weekday of its month a date is: n (1–5) and whether it is the last one. */
export function weekdayOfMonth(date: string): { n: number; last: boolean; code: string } {
  const [y, m, d] = splitWall(date);
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { n: Math.ceil(d / 7), last: d + 7 > days, code: dayCode(date) };
}

export function emptyRule(start: string): Rule {
  return { freq: "none", interval: 1, days: [dayCode(start)], monthly: "date", ends: "never", until: "", count: 10, raw: "" };
}

/**
 * Reads an RRULE value (with or without `RRULE:`) for an event starting on `start`
 * (YYYY-MM-DD). A UTC UNTIL names its last day as the date in `zone` (the event's),
 * so an evening series west of UTC does not show one day too many.
 */
export function parseRule(line: string | undefined, start: string, zone = "UTC"): Rule {
  const rule = emptyRule(start);
  if (!line) return rule;
  const value = line.replace(/^RRULE:/i, "").trim();
  rule.raw = value;
  const parts = new Map<string, string>();
  for (const p of value.split(";")) {
    const [k, v] = p.split("=");
    if (k && v !== undefined) parts.set(k.toUpperCase(), v.toUpperCase());
  }
  const custom = () => ({ ...rule, freq: "custom" as Freq });
  const freq = parts.get("FREQ") ?? "";
  if (!["DAILY", "WEEKLY", "MONTHLY", "YEARLY"].includes(freq)) return custom();
  rule.freq = freq as Freq;
  rule.interval = Number(parts.get("INTERVAL") ?? 1) || 1;
  if (parts.has("COUNT")) {
    rule.ends = "count";
    rule.count = Number(parts.get("COUNT")) || 1;
  } else if (parts.has("UNTIL")) {
    rule.ends = "until";
    const u = parts.get("UNTIL")!;
    const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(u);
    rule.until = m ? dateIn(zone, Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : `${u.slice(0, 4)}-${u.slice(4, 6)}-${u.slice(6, 8)}`;
  }
  const known = new Set(["FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST"]);
  const extra = [...parts.keys()].filter((k) => !known.has(k));
  const [, m, d] = splitWall(start);
  if (freq === "DAILY" && extra.length === 0) return rule;
  if (freq === "WEEKLY") {
    if (extra.length === 0) return rule;
    if (extra.length === 1 && extra[0] === "BYDAY") {
      const days = parts.get("BYDAY")!.split(",");
      if (days.every((c) => DAY_CODES.includes(c))) {
        rule.days = DAY_CODES.filter((c) => days.includes(c));
        return rule;
      }
    }
    return custom();
  }
  if (freq === "MONTHLY") {
    if (extra.length === 0 || (extra.length === 1 && parts.get("BYMONTHDAY") === String(d))) return rule;
    if (extra.length === 1 && extra[0] === "BYDAY") {
      const w = weekdayOfMonth(start);
      const by = parts.get("BYDAY")!;
      if (by === `${w.n}${w.code}` || by === `+${w.n}${w.code}`) return { ...rule, monthly: "weekday" };
      if (by === `-1${w.code}` && w.last) return { ...rule, monthly: "last" };
    }
    return custom();
  }
  // YEARLY
  const plainYear =
    extra.every((k) => k === "BYMONTH" || k === "BYMONTHDAY") &&
    (!parts.has("BYMONTH") || parts.get("BYMONTH") === String(m)) &&
    (!parts.has("BYMONTHDAY") || parts.get("BYMONTHDAY") === String(d));
  return plainYear ? rule : custom();
}

/**
 * The RRULE value for a rule of an event starting on `start` (YYYY-MM-DD), or null for
 * none. UNTIL is the end of the chosen day: a date for all-day events, else UTC for the
 * end of that day in the event's zone (`zone`; null: floating).
 */
export function buildRule(rule: Rule, start: string, allDay: boolean, zone: string | null): string | null {
  if (rule.freq === "none") return null;
  if (rule.freq === "custom") return rule.raw.replace(/^RRULE:/i, "").trim() || null;
  const parts = [`FREQ=${rule.freq}`];
  if (rule.interval > 1) parts.push(`INTERVAL=${Math.floor(rule.interval)}`);
  if (rule.freq === "WEEKLY") {
    const days = rule.days.length ? rule.days : [dayCode(start)];
    if (!(days.length === 1 && days[0] === dayCode(start))) parts.push(`BYDAY=${DAY_CODES.filter((c) => days.includes(c)).join(",")}`);
  }
  if (rule.freq === "MONTHLY" && rule.monthly !== "date") {
    const w = weekdayOfMonth(start);
    parts.push(`BYDAY=${rule.monthly === "last" ? -1 : w.n}${w.code}`);
  }
  if (rule.ends === "count") parts.push(`COUNT=${Math.max(1, Math.floor(rule.count))}`);
  if (rule.ends === "until" && rule.until) {
    const compact = rule.until.replace(/-/g, "");
    if (allDay) parts.push(`UNTIL=${compact}`);
    else if (zone === null) parts.push(`UNTIL=${compact}T235959`);
    else {
      const [y, m, d] = splitWall(rule.until);
      const utc = new Date(wallToUtc(zone, y, m, d, 23, 59, 59)).toISOString();
      parts.push(`UNTIL=${utc.slice(0, 19).replace(/[-:]/g, "")}Z`);
    }
  }
  return parts.join(";");
}

const unit: Record<string, [string, string]> = {
  DAILY: ["day", "days"],
  WEEKLY: ["week", "weeks"],
  MONTHLY: ["month", "months"],
  YEARLY: ["year", "years"],
};

/** "Every 2 weeks on Monday and Wednesday, 10 times" (for the editor's summary line). */
export function describeRule(rule: Rule, start: string): string {
  if (rule.freq === "none") return "Does not repeat";
  if (rule.freq === "custom") return rule.raw ? `Custom rule: ${rule.raw}` : "Custom rule";
  const [one, many] = unit[rule.freq];
  let s = rule.interval > 1 ? `Every ${rule.interval} ${many}` : `Every ${one}`;
  if (rule.freq === "WEEKLY") {
    const names = DAY_CODES.filter((c) => (rule.days.length ? rule.days : [dayCode(start)]).includes(c)).map(dayName);
    s += ` on ${names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}` : names[0]}`;
  } else if (rule.freq === "MONTHLY") {
    const w = weekdayOfMonth(start);
    s += rule.monthly === "date" ? ` on day ${Number(start.slice(8, 10))}` : ` on the ${rule.monthly === "last" ? "last" : ORDINALS[w.n - 1]} ${dayName(w.code)}`;
  } else if (rule.freq === "YEARLY") {
    s += ` on ${new Date(`${start}T12:00:00Z`).toLocaleDateString(undefined, { month: "long", day: "numeric", timeZone: "UTC" })}`;
  }
  if (rule.ends === "count") s += `, ${rule.count} time${rule.count === 1 ? "" : "s"}`;
  if (rule.ends === "until" && rule.until) s += `, until ${new Date(`${rule.until}T12:00:00Z`).toLocaleDateString(undefined, { dateStyle: "medium", timeZone: "UTC" })}`;
  return s;
}

export function monthlyLabel(by: MonthlyBy, start: string): string {
  const w = weekdayOfMonth(start);
  if (by === "date") return `On day ${Number(start.slice(8, 10))}`;
  return `On the ${by === "last" ? "last" : ORDINALS[w.n - 1]} ${dayName(w.code)}`;
}

/** Replaces the RRULE line of a recurrence list, keeping RDATE/EXDATE lines. */
export function withRule(lines: string[], value: string | null): string[] {
  const rest = lines.filter((l) => !/^RRULE[:;]/i.test(l));
  return value ? [`RRULE:${value}`, ...rest] : rest;
}
