// Times as values: the API's When read as instants and as wall-clock strings in a zone,
// RFC 5545 durations, zone names as typed. No form, no state.

import type { Calendar, When } from "../api";
import { allZones, isZone, wallString, wallStringToUtc } from "../tz";

/** A day in ms. */
export const DAY = 86400000;

/** `zone` if the browser knows it, else `fallback`. */
export const realZone = (zone: string, fallback: string) => (zone && isZone(zone) ? zone : fallback);
/** The zone a When's time is in: "UTC", its TZID, or "" (floating). */
export const ownZone = (w: When) => (w.date_time?.endsWith("Z") ? "UTC" : (w.time_zone ?? ""));
/** A calendar's zone, UTC when it has none the browser knows. */
export const calZoneOf = (c?: Calendar) => (c?.time_zone && isZone(c.time_zone) ? c.time_zone : "UTC");

/** The instant of a When; dates and floating times are placed in `calZone`. */
export function instantOf(w: When, calZone: string): number {
  if (w.date) return wallStringToUtc(calZone, w.date);
  const dt = w.date_time ?? "";
  if (dt.endsWith("Z")) return Date.parse(dt);
  return wallStringToUtc(realZone(w.time_zone ?? "", calZone), dt);
}

/** `YYYY-MM-DD` (a date) or `YYYY-MM-DDThh:mm:ss` on the wall clock of `zone`. */
export function wallOf(w: When | null | undefined, zone: string, calZone: string): string | null {
  if (!w) return null;
  if (w.date) return w.date;
  if (!w.date_time) return null;
  if (ownZone(w) === zone) return w.date_time.slice(0, 19);
  return wallString(realZone(zone, calZone), instantOf(w, calZone));
}

/** An RFC 5545 duration (`-PT15M`, `P1D`, `P1W`, `P1DT2H`) in ms; null if unreadable. */
export function parseDuration(s: string): number | null {
  const m = /^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(s.trim());
  if (!m || /^[+-]?PT?$/i.test(s.trim())) return null;
  const [, sign, w, d, hh, mm, ss] = m;
  const ms = ((+(w ?? 0) * 7 + +(d ?? 0)) * 86400 + +(hh ?? 0) * 3600 + +(mm ?? 0) * 60 + +(ss ?? 0)) * 1000;
  return sign === "-" ? -ms : ms;
}

/** A When for a wall time in the form's zone. */
export function whenIn(wall: string, zone: string): When {
  if (zone === "") return { date_time: wall };
  if (zone === "UTC") return { date_time: `${wall}Z` };
  return { date_time: wall, time_zone: zone };
}

let zoneNames: Map<string, string> | null = null;

/** "europe/berlin" → "Europe/Berlin"; "utc" → "UTC". */
export function canonicalZone(z: string): string {
  const t = z.trim();
  if (!t) return "";
  if (t.toUpperCase() === "UTC") return "UTC";
  zoneNames ??= new Map(allZones().map((n) => [n.toLowerCase(), n]));
  return zoneNames.get(t.toLowerCase()) ?? t;
}

/** Now as an RFC 3339 UTC time without fractions (for COMPLETED). */
export function nowUtc(): string {
  return `${new Date().toISOString().slice(0, 19)}Z`;
}

/** A date and an `hh:mm` (or `hh:mm:ss`) time as `YYYY-MM-DDThh:mm:ss`. */
export const fullWall = (date: string, time: string) => `${date}T${time.length === 5 ? `${time}:00` : time}`;
