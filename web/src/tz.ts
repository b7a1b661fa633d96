// Time zones with the browser's own tz database (Intl), no library: wall time in a zone
// from an instant and back, and the FullCalendar plugin that lets the calendar show
// any named zone.

import { createPlugin } from "@fullcalendar/core";
import { NamedTimeZoneImpl } from "@fullcalendar/core/internal";

export const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

const formats = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, Map<number, number>>();

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formats.set(zone, f);
  }
  return f;
}

/** Whether the browser knows the zone. */
export function isZone(zone: string): boolean {
  if (!zone) return false;
  try {
    format(zone);
    return true;
  } catch {
    return false;
  }
}

/** Every zone the browser knows (for pickers). */
export function allZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  const list = intl.supportedValuesOf?.("timeZone") ?? [];
  const set = new Set(list.length ? list : [browserZone, "UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Tokyo", "Australia/Sydney"]);
  set.add("UTC");
  set.add(browserZone);
  return [...set].sort();
}

/** [year, month 1–12, day, hour, minute, second] on the wall clock of `zone` at `ms`. */
export function wallParts(zone: string, ms: number): number[] {
  const out = [0, 0, 0, 0, 0, 0];
  const idx: Record<string, number> = { year: 0, month: 1, day: 2, hour: 3, minute: 4, second: 5 };
  for (const p of format(zone).formatToParts(new Date(ms))) {
    const i = idx[p.type];
    if (i !== undefined) out[i] = Number(p.value);
  }
  if (out[3] === 24) out[3] = 0;
  return out;
}

/** UTC offset of `zone` at instant `ms`, in minutes (east positive). */
export function offsetAt(zone: string, ms: number): number {
  if (zone === "UTC") return 0;
  // Offsets change at whole quarter hours (UTC), so a quarter hour has one offset.
  const bucket = Math.floor(ms / 900000);
  let cache = offsets.get(zone);
  if (!cache) offsets.set(zone, (cache = new Map()));
  let off = cache.get(bucket);
  if (off === undefined) {
    const at = bucket * 900000;
    const w = wallParts(zone, at);
    off = Math.round((Date.UTC(w[0], w[1] - 1, w[2], w[3], w[4], w[5]) - at) / 60000);
    if (cache.size > 20000) cache.clear();
    cache.set(bucket, off);
  }
  return off;
}

/** The instant of a wall time in `zone` (a time in a spring-forward gap moves forward). */
export function wallToUtc(zone: string, y: number, mo: number, d: number, h = 0, mi = 0, s = 0, msec = 0): number {
  const naive = Date.UTC(y, mo - 1, d, h, mi, s, msec);
  const o1 = offsetAt(zone, naive);
  const guess = naive - o1 * 60000;
  const o2 = offsetAt(zone, guess);
  if (o1 === o2) return guess;
  const guess2 = naive - o2 * 60000;
  if (offsetAt(zone, guess2) === o2) return guess2;
  return naive - Math.min(o1, o2) * 60000;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** `YYYY-MM-DDThh:mm:ss` on the wall clock of `zone` at `ms`. */
export function wallString(zone: string, ms: number): string {
  const w = wallParts(zone, ms);
  return `${pad(w[0], 4)}-${pad(w[1])}-${pad(w[2])}T${pad(w[3])}:${pad(w[4])}:${pad(w[5])}`;
}

/** The instant of `YYYY-MM-DD[Thh:mm[:ss]]` on the wall clock of `zone`. */
export function wallStringToUtc(zone: string, wall: string): number {
  const [y, mo, d, h, mi, s] = splitWall(wall);
  return wallToUtc(zone, y, mo, d, h, mi, s);
}

export function splitWall(wall: string): number[] {
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d))?)?/.exec(wall);
  if (!m) throw new Error(`not a date: ${wall}`);
  return [+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)];
}

/** Wall time as if it were UTC: for arithmetic on dates and clock times. */
export function naive(wall: string): number {
  const [y, mo, d, h, mi, s] = splitWall(wall);
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

export function fromNaive(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

export function addDays(date: string, days: number): string {
  return fromNaive(naive(date) + days * 86400000).slice(0, 10);
}

/** The calendar date of `ms` in `zone`. */
export function dateIn(zone: string, ms: number): string {
  return wallString(zone, ms).slice(0, 10);
}

/** FullCalendar's named zones, backed by Intl. */
class IntlZone extends NamedTimeZoneImpl {
  offsetForArray(a: number[]): number {
    const wall = Date.UTC(a[0], a[1], a[2] ?? 1, a[3] ?? 0, a[4] ?? 0, a[5] ?? 0, a[6] ?? 0);
    const utc = wallToUtc(this.timeZoneName, a[0], a[1] + 1, a[2] ?? 1, a[3] ?? 0, a[4] ?? 0, a[5] ?? 0, a[6] ?? 0);
    return Math.round((wall - utc) / 60000);
  }

  timestampToArray(ms: number): number[] {
    const w = wallParts(this.timeZoneName, ms);
    return [w[0], w[1] - 1, w[2], w[3], w[4], w[5], ((ms % 1000) + 1000) % 1000];
  }
}

export const zonePlugin = createPlugin({ name: "kairos-intl-zones", namedTimeZonedImpl: IntlZone });

/** "Europe/Berlin" → "Berlin (Europe) · UTC+01:00" for pickers. */
export function zoneLabel(zone: string, at = Date.now()): string {
  const off = offsetAt(zone, at);
  const sign = off < 0 ? "−" : "+";
  const a = Math.abs(off);
  return `${zone.replace(/_/g, " ")} (UTC${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)})`;
}
