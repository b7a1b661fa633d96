// What the whole app shares: who is signed in, their calendars, the zone they look at.

import type { Calendar } from "./api";
import { pref, setPref } from "./dom";
import { browserZone, isZone } from "./tz";

export const palette = ["#1e6fd9", "#c2410c", "#15803d", "#7c3aed", "#b45309", "#0e7490", "#be185d", "#4d7c0f"];

export const app = {
  user: "",
  calendars: [] as Calendar[],
  /** The zone the calendar is shown in (the browser's unless chosen). */
  zone: browserZone,
};

const saved = pref("zone");
if (saved && isZone(saved)) app.zone = saved;

export function setZone(zone: string): void {
  app.zone = zone;
  setPref("zone", zone === browserZone ? null : zone);
}

export function calendar(id: string): Calendar | undefined {
  return app.calendars.find((c) => c.id === id);
}

/** Own calendars first (by order, then name), then the shared ones by owner. */
export function sortCalendars(list: Calendar[]): Calendar[] {
  const own = (c: Calendar) => (c.access === "owner" ? 0 : 1);
  return [...list].sort(
    (a, b) =>
      own(a) - own(b) ||
      (own(a) === 1 ? a.owner.localeCompare(b.owner) : 0) ||
      (a.order ?? 1e9) - (b.order ?? 1e9) ||
      nameOf(a).localeCompare(nameOf(b)),
  );
}

export function nameOf(c: Calendar): string {
  return c.display_name || c.name;
}

/** The name with its owner, for calendars shared with the user. */
export function fullName(c: Calendar): string {
  return c.access === "owner" ? nameOf(c) : `${nameOf(c)} (${c.owner})`;
}

export function colorOf(c: Calendar): string {
  if (c.color && /^#[0-9a-f]{6}/i.test(c.color)) return c.color.slice(0, 7).toLowerCase();
  // No color: one from the palette, stable for the calendar.
  let n = 0;
  for (const ch of c.id) n = (n * 31 + ch.charCodeAt(0)) >>> 0;
  return palette[n % palette.length];
}

/** Black or white text, whichever reads better on `hex` (WCAG contrast). */
export function textOn(hex: string): string {
  const channel = (i: number) => {
    const v = parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? "#ffffff" : "#000000";
}

export const writable = (c: Calendar) => c.access !== "read";

/** The calendar a new event goes to: the last one used, else the first writable shown. */
export function defaultCalendar(kind: "event" | "task" = "event"): Calendar | undefined {
  const comp = kind === "task" ? "VTODO" : "VEVENT";
  const ok = (c: Calendar) => writable(c) && (c.components.length === 0 || c.components.includes(comp));
  const last = calendar(pref("lastCalendar") ?? "");
  if (last && ok(last) && last.visible) return last;
  return app.calendars.find((c) => ok(c) && c.visible) ?? app.calendars.find(ok);
}

/** Set by the calendar view: a calendar's events changed here (refetch soon). */
export const hooks = {
  changed: (_calendar: string): void => undefined,
  calendarsChanged: (): void => undefined,
};
