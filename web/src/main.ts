// The Kairos web calendar: month, week, day and agenda views and the settings page over
// the REST API, kept current by the server's change stream (one connection, no polling).

import { listCalendars, session, signOut } from "./api";
import { $, failed, openDialog, pref, setPref, status } from "./dom";
import { newItem } from "./editor";
import { renderSettings } from "./settings";
import { openSearch, wireSearch } from "./search";
import { renderCalendars, renderTasksSoon, wireZone } from "./sidebar";
import { app, hooks } from "./state";
import { forgetAll } from "./store";
import { changeView, createView, fc, refetch, showCalendars } from "./view";
import "./style.css";

// ---- theme -------------------------------------------------------------------------

const THEMES = ["auto", "light", "dark"] as const;

function applyTheme(theme: string): void {
  if (theme === "auto") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  $("theme").textContent = `Theme: ${theme}`;
}

function wireTheme(): void {
  let theme = pref("theme") ?? "auto";
  if (!THEMES.includes(theme as (typeof THEMES)[number])) theme = "auto";
  applyTheme(theme);
  $("theme").addEventListener("click", () => {
    theme = THEMES[(THEMES.indexOf(theme as (typeof THEMES)[number]) + 1) % THEMES.length];
    setPref("theme", theme === "auto" ? null : theme);
    applyTheme(theme);
  });
}

// ---- pages: the calendar (#/) and settings (#/settings) ----------------------------

function route(): void {
  const settings = location.hash.startsWith("#/settings");
  document.body.classList.toggle("on-settings", settings);
  $("calendar-page").hidden = settings;
  $("settings-page").hidden = !settings;
  closeDrawer();
  if (settings) {
    $("title").textContent = "Settings";
    document.title = "Settings · Kairos";
    renderSettings($("settings-page")).catch(failed);
  } else {
    document.title = "Kairos";
    $("title").textContent = fc.view.title;
    // The calendar was hidden: its size may have changed meanwhile.
    fc.updateSize();
  }
}

// ---- the side panel as a drawer on phones ------------------------------------------

function openDrawer(): void {
  document.body.classList.add("drawer");
  $("menu").setAttribute("aria-expanded", "true");
  $("scrim").hidden = false;
  $("menu-close").focus();
}

function closeDrawer(): void {
  if (!document.body.classList.contains("drawer")) return;
  document.body.classList.remove("drawer");
  $("menu").setAttribute("aria-expanded", "false");
  $("scrim").hidden = true;
}

// ---- keyboard ----------------------------------------------------------------------

function shortcuts(): void {
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && document.body.classList.contains("drawer")) {
      closeDrawer();
      $("menu").focus();
      return;
    }
    const t = ev.target as HTMLElement;
    if (ev.ctrlKey || ev.metaKey || ev.altKey || t.closest("input, textarea, select, dialog[open], [contenteditable]")) return;
    const onCalendar = !document.body.classList.contains("on-settings");
    const views: Record<string, string> = { d: "timeGridDay", w: "timeGridWeek", m: "dayGridMonth", a: "agenda" };
    if (ev.key === "?") openDialog($("help") as HTMLDialogElement);
    else if (ev.key === ",") location.hash = "#/settings";
    else if (!onCalendar) return;
    else if (ev.key === "t") fc.today();
    else if (ev.key === "n") newItem();
    else if (ev.key === "ArrowLeft" || ev.key === "k") fc.prev();
    else if (ev.key === "ArrowRight" || ev.key === "j") fc.next();
    else if (ev.key === "g") $("jump").focus();
    else if (ev.key === "/" || ev.key === "s") openSearch();
    else if (views[ev.key]) changeView(views[ev.key]);
    else return;
    ev.preventDefault();
  });
}

// ---- live changes ------------------------------------------------------------------

/** Reloads the calendar list (names, colors, shares) and redraws what depends on it. */
async function reloadCalendars(): Promise<void> {
  app.calendars = await listCalendars();
  renderCalendars();
  showCalendars();
}

function listen(): void {
  const pending = new Map<string, number>();
  const soon = (calendar: string) => {
    window.clearTimeout(pending.get(calendar));
    pending.set(calendar, window.setTimeout(() => refetch(calendar), 300));
  };
  if (typeof EventSource === "undefined") {
    // No server-sent events: one light request a minute.
    window.setInterval(() => void reloadCalendars().then(() => app.calendars.forEach((c) => soon(c.id))), 60000);
    return;
  }
  const source = new EventSource("/api/v1/changes");
  source.addEventListener("changed", (ev) => {
    try {
      const { calendar_id } = JSON.parse((ev as MessageEvent).data) as { calendar_id: string };
      if (app.calendars.some((c) => c.id === calendar_id)) soon(calendar_id);
      // A calendar not known yet was shared with this person meanwhile.
      else void reloadCalendars();
    } catch {
      // A malformed message: the next one will do.
    }
  });
  source.addEventListener("resync", () => {
    forgetAll();
    void reloadCalendars();
  });
}

// ---- start -------------------------------------------------------------------------

async function start(): Promise<void> {
  wireTheme();
  const [user, calendars] = await Promise.all([session(), listCalendars()]);
  app.user = user;
  app.calendars = calendars;
  $("who").textContent = `Signed in as ${user}`;
  createView(renderTasksSoon);
  renderCalendars();
  showCalendars();
  fc.render();
  wireZone();
  wireSearch();

  hooks.changed = (calendar) => refetch(calendar);
  hooks.calendarsChanged = () => void reloadCalendars().catch(failed);

  $("today").addEventListener("click", () => fc.today());
  $("prev").addEventListener("click", () => fc.prev());
  $("next").addEventListener("click", () => fc.next());
  $("new").addEventListener("click", () => newItem());
  $("new-task").addEventListener("click", () => newItem({ kind: "task" }));
  $<HTMLInputElement>("jump").addEventListener("change", (ev) => {
    const v = (ev.target as HTMLInputElement).value;
    if (v) fc.gotoDate(v);
  });
  for (const b of document.querySelectorAll<HTMLButtonElement>("[data-view]")) {
    b.addEventListener("click", () => changeView(b.dataset.view!));
  }
  $("signout").addEventListener("click", () => void signOut());
  $("help-open").addEventListener("click", () => openDialog($("help") as HTMLDialogElement));
  $("menu").addEventListener("click", openDrawer);
  $("menu-close").addEventListener("click", () => {
    closeDrawer();
    $("menu").focus();
  });
  $("scrim").addEventListener("click", closeDrawer);
  shortcuts();
  listen();

  // Back where the person was before signing in (the server's page loses the hash).
  let back: string | null = null;
  try {
    back = sessionStorage.getItem("kairos.return");
    sessionStorage.removeItem("kairos.return");
  } catch {
    // No session storage: start on the calendar.
  }
  if (back && !location.hash) history.replaceState(null, "", back);
  window.addEventListener("hashchange", route);
  route();
}

start().catch((e: Error) => status(e.message, true));
