// The settings page (#/settings): calendars (create, rename, color, time zone, show,
// delete, export, import), sharing (people and a public link), app passwords and API
// tokens, and how to connect a CalDAV client. Built with h(), never from HTML strings.

import "./settings.css";

import { ApiError, call, listCalendars, request } from "./api";
import type { Calendar, PublicLink, Share, ShareAccess, Token } from "./api";
import { confirmDialog } from "./dialogs";
import { copy, failed, fmtDateTime, h, openDialog, status } from "./dom";
import { app, colorOf, hooks, nameOf, palette, sortCalendars } from "./state";
import { isZone, zoneLabel } from "./tz";

// ---- shapes the API answers with that api.ts does not name ---------------------------

/** POST /calendars/{id}/import. */
interface ImportResult {
  created: number;
  replaced: number;
}

/** One entry of GET /calendars/{id}/share-history. */
interface ShareEvent {
  actor: string;
  action: "shared" | "unshared" | "link-created" | "link-revoked" | string;
  user?: string | null;
  access?: ShareAccess | null;
  at: string;
}

/** POST /tokens: the token with its secret (shown once). */
interface CreatedToken extends Token {
  secret: string;
}

// ---- small helpers ---------------------------------------------------------------------

const SECTIONS = [
  { id: "calendars", title: "Calendars" },
  { id: "tokens", title: "App passwords and tokens" },
  { id: "connect", title: "Connect a calendar app" },
  { id: "account", title: "Account" },
] as const;

const COLOR_NAMES: Record<string, string> = {
  "#1e6fd9": "Blue",
  "#c2410c": "Orange",
  "#15803d": "Green",
  "#7c3aed": "Violet",
  "#b45309": "Amber",
  "#0e7490": "Teal",
  "#be185d": "Pink",
  "#4d7c0f": "Olive",
};

const ACCESS_LABEL: Record<string, string> = {
  owner: "Owner",
  "read-write": "Can edit events",
  read: "Can view events",
  "free-busy": "Free/busy only",
};

const SHARE_ACCESS: { value: ShareAccess; label: string }[] = [
  { value: "read", label: "Can view events" },
  { value: "read-write", label: "Can edit events" },
  { value: "free-busy", label: "Free/busy only" },
];

let uid = 0;
const nextId = (stem: string) => `st-${stem}-${++uid}`;

/** Percent-encodes one URL path segment the way the server writes its hrefs. */
function seg(s: string): string {
  return s.replace(/[^\x21-\x7e]|["#%/<>?[\\\]^`{|}]/gu, (c) => encodeURIComponent(c));
}

const origin = () => location.origin;
const principalUrl = (user: string) => `${origin()}/dav/principals/${seg(user)}/`;
const homeUrl = (user: string) => `${origin()}/dav/calendars/${seg(user)}/`;
const calendarUrl = (c: Calendar) => `${origin()}/dav/calendars/${seg(c.owner)}/${c.name.split("/").map(seg).join("/")}/`;

/** What went wrong, for showing next to a form (a field's own words when it names one). */
function problemText(e: unknown, pointer?: string): string {
  if (e instanceof ApiError) {
    const f = pointer ? e.fields.find((x) => x.pointer === pointer) : undefined;
    if (f && f.detail) return f.detail[0].toUpperCase() + f.detail.slice(1) + ".";
    return e.message;
  }
  return (e as Error)?.message ?? String(e);
}

/** A paragraph for form errors, announced when it gets text. */
function errorLine(id: string): HTMLParagraphElement {
  return h("p", { id, class: "st-error", role: "alert", hidden: true });
}

function showError(p: HTMLElement, text: string | null): void {
  p.textContent = text ?? "";
  p.hidden = !text;
}

/** Marks an input invalid (or valid again) and ties it to its error line. */
function markInvalid(input: HTMLElement, bad: boolean, errorId: string): void {
  if (bad) {
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", [input.dataset.hint, errorId].filter(Boolean).join(" "));
  } else {
    input.removeAttribute("aria-invalid");
    if (input.dataset.hint) input.setAttribute("aria-describedby", input.dataset.hint);
    else input.removeAttribute("aria-describedby");
  }
}

/** A label above its control, with an optional hint under it. */
function field(label: string, control: HTMLElement, hint?: string, cls = ""): HTMLElement {
  if (!control.id) control.id = nextId("f");
  let hintEl: HTMLElement | null = null;
  if (hint) {
    const hid = `${control.id}-hint`;
    hintEl = h("p", { id: hid, class: "st-hint" }, hint);
    control.dataset.hint = hid;
    control.setAttribute("aria-describedby", hid);
  }
  return h("div", { class: `st-field ${cls}` }, h("label", { for: control.id }, label), control, hintEl);
}

/** A read-only address with a Copy button. */
function copyRow(label: string, value: string, visibleLabel = true): HTMLElement {
  const id = nextId("copy");
  const input = h("input", { id, type: "text", readonly: true, value, spellcheck: "false", class: "st-mono", onfocus: () => input.select() });
  return h(
    "div",
    { class: "st-field" },
    h("label", { for: id, class: visibleLabel ? "" : "visually-hidden" }, label),
    h(
      "div",
      { class: "st-copyrow" },
      input,
      h("button", { type: "button", "aria-label": `Copy ${label.toLowerCase()}`, onclick: () => void copy(input.value) }, "Copy"),
    ),
  );
}

/** Color choice: the palette as radio swatches and a custom color input (the value). */
function colorPicker(legend: string, initial: string): { el: HTMLElement; value: () => string; set: (hex: string) => void } {
  const name = nextId("color");
  const custom = h("input", { type: "color", value: initial, id: `${name}-custom` });
  const radios: HTMLInputElement[] = [];
  const sync = () => {
    for (const r of radios) r.checked = r.value === custom.value.toLowerCase();
  };
  const swatches = palette.map((hex) => {
    const radio = h("input", {
      type: "radio",
      name,
      value: hex,
      class: "visually-hidden",
      checked: hex === initial.toLowerCase(),
      onchange: () => {
        custom.value = hex;
      },
    });
    radios.push(radio);
    return h(
      "label",
      { class: "st-swatch", title: COLOR_NAMES[hex] ?? hex },
      radio,
      h("span", { class: "st-swatch-dot", style: `background:${hex}`, "aria-hidden": "true" }),
      h("span", { class: "visually-hidden" }, COLOR_NAMES[hex] ?? hex),
    );
  });
  custom.addEventListener("input", sync);
  const el = h(
    "fieldset",
    { class: "st-colors" },
    h("legend", {}, legend),
    h("div", { class: "st-swatches" }, swatches, h("span", { class: "st-custom" }, h("label", { for: custom.id }, "Other"), custom)),
  );
  const set = (hex: string) => {
    custom.value = hex;
    sync();
  };
  return { el, value: () => custom.value.toLowerCase(), set };
}

function zoneInput(value: string | null): HTMLInputElement {
  return h("input", {
    type: "text",
    list: "zones",
    autocomplete: "off",
    spellcheck: "false",
    value: value ?? "",
    placeholder: "e.g. Europe/Berlin",
  });
}

/** The zone typed (trimmed); null for none; undefined when it is not a zone. */
function zoneValue(input: HTMLInputElement): string | null | undefined {
  const v = input.value.trim();
  if (!v) return null;
  return isZone(v) ? v : undefined;
}

function zoneText(zone: string | null): string {
  if (!zone) return "";
  try {
    return zoneLabel(zone);
  } catch {
    return zone;
  }
}

/** Disables a button for the length of a request. */
async function busy<T>(button: HTMLButtonElement | null, work: () => Promise<T>): Promise<T> {
  if (button) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
  }
  try {
    return await work();
  } finally {
    if (button) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }
}

// ---- the page --------------------------------------------------------------------------

/** Everything one rendering of the page holds. */
interface Page {
  root: HTMLElement;
  calendars: Calendar[];
  tokens: Token[];
  calList: HTMLElement;
  tokenList: HTMLElement;
  secretSlot: HTMLElement;
  tokenCalendar: HTMLSelectElement;
  calendarUrls: HTMLElement;
  /** Calendars whose details were open (kept across re-renders of the list). */
  open: Set<string>;
  /** Called when the list of calendars was (re)loaded. */
  onCalendars: () => void;
}

let generation = 0;

/** Fills `root` with the settings page (again from scratch on each call). */
export async function renderSettings(root: HTMLElement): Promise<void> {
  const mine = ++generation;
  root.replaceChildren();
  root.classList.add("st-root");

  const calList = h("div", { class: "st-cal-groups" }, h("p", { class: "st-muted" }, "Loading calendars…"));
  const tokenList = h("div", { class: "st-token-list" }, h("p", { class: "st-muted" }, "Loading…"));
  const secretSlot = h("div", { class: "st-secret-slot" });
  const tokenCalendar = h("select", {}, h("option", { value: "" }, "All my calendars"));
  const calendarUrls = h("ul", { class: "st-urls" });
  const page: Page = { root, calendars: [], tokens: [], calList, tokenList, secretSlot, tokenCalendar, calendarUrls, open: new Set(), onCalendars: () => undefined };

  const nav = h(
    "nav",
    { class: "st-nav", "aria-label": "Settings sections" },
    h(
      "ul",
      {},
      SECTIONS.map((s) =>
        h("li", {}, h("a", { href: `#/settings/${s.id}`, onclick: (e: Event) => jump(e, s.id) }, s.title)),
      ),
    ),
  );

  root.append(
    h(
      "div",
      { class: "st-page" },
      h(
        "div",
        { class: "st-head" },
        h("a", { href: "#/", class: "st-back" }, h("span", { "aria-hidden": "true" }, "← "), "Back to the calendar"),
        h("h2", { id: "st-title", tabindex: -1 }, "Settings"),
      ),
      nav,
      calendarsSection(page),
      tokensSection(page),
      connectSection(page),
      accountSection(),
    ),
  );

  // Opened at #/settings/tokens (for example): to that section.
  const wanted = /^#\/settings\/([\w-]+)/.exec(location.hash)?.[1];
  if (wanted) document.getElementById(`st-${wanted}`)?.scrollIntoView();

  const [cals, tokens] = await Promise.allSettled([listCalendars(), call<{ items: Token[] }>("GET", "/tokens")]);
  if (mine !== generation) return;
  if (cals.status === "fulfilled") {
    page.calendars = sortCalendars(cals.value);
    renderCalendars(page);
  } else {
    calList.replaceChildren(h("p", { class: "st-error" }, `The calendars could not be loaded: ${problemText(cals.reason)}`));
  }
  if (tokens.status === "fulfilled") {
    page.tokens = tokens.value.items;
    renderTokens(page);
  } else {
    tokenList.replaceChildren(h("p", { class: "st-error" }, `The tokens could not be loaded: ${problemText(tokens.reason)}`));
  }
  if (wanted) document.getElementById(`st-${wanted}`)?.scrollIntoView();
}

/** In-page navigation that keeps the app's route (#/settings/…) without a new render. */
function jump(e: Event, id: string): void {
  e.preventDefault();
  history.replaceState(history.state, "", `#/settings/${id}`);
  const section = document.getElementById(`st-${id}`);
  const heading = document.getElementById(`st-h-${id}`);
  section?.scrollIntoView({ behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth", block: "start" });
  heading?.focus({ preventScroll: true });
}

function section(id: string, title: string, ...children: (Node | null)[]): HTMLElement {
  return h(
    "section",
    { id: `st-${id}`, class: "st-section", "aria-labelledby": `st-h-${id}` },
    h("h3", { id: `st-h-${id}`, tabindex: -1 }, title),
    ...children,
  );
}

// ---- calendars -------------------------------------------------------------------------

function calendarsSection(page: Page): HTMLElement {
  return section(
    "calendars",
    "Calendars",
    h("p", { class: "st-lead" }, "Your own calendars and those shared with you. Open one to change it."),
    page.calList,
    newCalendarForm(page),
  );
}

function newCalendarForm(page: Page): HTMLElement {
  const err = errorLine("st-new-cal-error");
  const name = h("input", { type: "text", required: true, maxlength: 200, autocomplete: "off" });
  // A color none of the calendars has yet (until the user picks one).
  const unused = () => {
    const used = new Set(page.calendars.map((c) => colorOf(c)));
    return palette.find((p) => !used.has(p)) ?? palette[0];
  };
  const color = colorPicker("Color", unused());
  let picked = false;
  color.el.addEventListener("change", () => (picked = true));
  page.onCalendars = () => {
    if (!picked) color.set(unused());
  };
  const zone = zoneInput(null);
  const submit = h("button", { type: "submit", class: "primary" }, "Create calendar");
  const form = h(
    "form",
    { class: "st-card st-form", novalidate: true, "aria-labelledby": "st-h-new-cal" },
    h("h4", { id: "st-h-new-cal" }, "New calendar"),
    h(
      "div",
      { class: "st-grid" },
      field("Name", name),
      field("Time zone (optional)", zone, "For all-day events and floating times; empty: none."),
    ),
    color.el,
    err,
    h("div", { class: "st-actions" }, submit),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const display = name.value.trim();
    markInvalid(name, false, err.id);
    markInvalid(zone, false, err.id);
    if (!display) {
      showError(err, "Give the calendar a name.");
      markInvalid(name, true, err.id);
      name.focus();
      return;
    }
    const tz = zoneValue(zone);
    if (tz === undefined) {
      showError(err, `“${zone.value.trim()}” is not a time zone: pick one from the list (such as Europe/Berlin), or leave it empty.`);
      markInvalid(zone, true, err.id);
      zone.focus();
      return;
    }
    showError(err, null);
    try {
      const created = await busy(submit, () =>
        call<Calendar>("POST", "/calendars", { display_name: display, color: color.value(), ...(tz ? { time_zone: tz } : {}) }),
      );
      name.value = "";
      zone.value = "";
      picked = false;
      status(`Calendar “${nameOf(created)}” created.`);
      page.open.add(created.id);
      await reloadCalendars(page);
      hooks.calendarsChanged();
      page.calList.querySelector<HTMLElement>(`[data-cal="${created.id}"] summary`)?.focus();
    } catch (e) {
      const tzProblem = e instanceof ApiError && e.fields.some((f) => f.pointer === "/time_zone");
      showError(err, problemText(e));
      if (tzProblem) markInvalid(zone, true, err.id);
    }
  });
  return form;
}

async function reloadCalendars(page: Page): Promise<void> {
  try {
    page.calendars = sortCalendars(await listCalendars());
    renderCalendars(page);
  } catch (e) {
    failed(e);
  }
}

function renderCalendars(page: Page): void {
  const own = page.calendars.filter((c) => c.access === "owner");
  const shared = page.calendars.filter((c) => c.access !== "owner");
  const groups: HTMLElement[] = [
    h("h4", { id: "st-h-own" }, "Your calendars"),
    own.length
      ? h("ul", { class: "st-cal-list", "aria-labelledby": "st-h-own" }, own.map((c) => calendarItem(page, c)))
      : h("p", { class: "st-muted" }, "You have no calendars yet: create one below."),
  ];
  if (shared.length) {
    groups.push(
      h("h4", { id: "st-h-shared" }, "Shared with you"),
      h("ul", { class: "st-cal-list", "aria-labelledby": "st-h-shared" }, shared.map((c) => calendarItem(page, c))),
    );
  }
  page.calList.replaceChildren(...groups);
  page.onCalendars();

  // The token form's calendar choice: own calendars only (the API refuses others).
  const keep = page.tokenCalendar.value;
  page.tokenCalendar.replaceChildren(
    h("option", { value: "" }, "All my calendars"),
    ...own.map((c) => h("option", { value: c.id, selected: c.id === keep }, nameOf(c))),
  );
  // Each calendar's own CalDAV address (Thunderbird wants one at a time).
  page.calendarUrls.replaceChildren(
    ...page.calendars.map((c) => h("li", {}, copyRow(`${nameOf(c)}${c.access === "owner" ? "" : ` (${c.owner})`}`, calendarUrl(c)))),
  );
  if (page.tokens.length) renderTokens(page);
}

function calendarItem(page: Page, c: Calendar): HTMLElement {
  const li = h("li", { "data-cal": c.id });
  li.append(calendarDetails(page, c, li));
  return li;
}

function calendarDetails(page: Page, c: Calendar, li: HTMLElement): HTMLElement {
  const owner = c.access === "owner";
  const meta = owner
    ? [c.visible ? null : "hidden", c.time_zone ? c.time_zone.replace(/_/g, " ") : null].filter(Boolean).join(" · ")
    : [`from ${c.owner}`, (ACCESS_LABEL[c.access] ?? c.access).toLowerCase(), c.visible ? null : "hidden"].filter(Boolean).join(" · ");
  const details = h(
    "details",
    { class: "st-cal", open: page.open.has(c.id) },
    h(
      "summary",
      {},
      h("span", { class: "st-dot", style: `background:${colorOf(c)}`, "aria-hidden": "true" }),
      h("span", { class: "st-cal-name" }, nameOf(c)),
      meta ? h("span", { class: "st-cal-meta" }, meta) : null,
    ),
  );
  details.addEventListener("toggle", () => {
    if (details.open) page.open.add(c.id);
    else page.open.delete(c.id);
  });
  details.append(h("div", { class: "st-cal-body" }, calendarForm(page, c, li), calendarTools(page, c)));
  return details;
}

/** Name, color, description, zone, shown: everything for the owner, the sharee's own view otherwise. */
function calendarForm(page: Page, c: Calendar, li: HTMLElement): HTMLElement {
  const owner = c.access === "owner";
  const stem = nextId("cal");
  const err = errorLine(`${stem}-error`);
  const name = h("input", { type: "text", value: nameOf(c), maxlength: 200, autocomplete: "off" });
  const color = colorPicker(owner ? "Color" : "Your color for it", colorOf(c));
  const description = owner ? h("textarea", { rows: 2 }, c.description ?? "") : null;
  const zone = owner ? zoneInput(c.time_zone) : null;
  const visible = h("input", { type: "checkbox", checked: c.visible, id: `${stem}-visible` });
  const submit = h("button", { type: "submit", class: "primary" }, "Save");
  const form = h(
    "form",
    { class: "st-form", novalidate: true, "aria-label": `Change ${nameOf(c)}` },
    owner
      ? null
      : h(
          "p",
          { class: "st-hint" },
          `Shared with you by ${c.owner} (${(ACCESS_LABEL[c.access] ?? c.access).toLowerCase()}). The name and color you choose here are yours only.`,
        ),
    h(
      "div",
      { class: "st-grid" },
      field(owner ? "Name" : "Your name for it", name, owner ? undefined : "Empty: the owner's name."),
      zone ? field("Time zone", zone, zoneText(c.time_zone) ? `Now: ${zoneText(c.time_zone)}. Empty: none.` : "Empty: none.") : null,
    ),
    description ? field("Description", description) : null,
    color.el,
    h("div", { class: "st-check" }, visible, h("label", { for: visible.id }, "Show in the calendar")),
    err,
    h("div", { class: "st-actions" }, submit),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const patch: Record<string, unknown> = {};
    const display = name.value.trim();
    if (owner) {
      if (!display) {
        showError(err, "Give the calendar a name.");
        markInvalid(name, true, err.id);
        name.focus();
        return;
      }
      if (display !== nameOf(c)) patch.display_name = display;
    } else if (display !== nameOf(c)) {
      patch.display_name = display || null;
    }
    markInvalid(name, false, err.id);
    if (color.value() !== colorOf(c)) patch.color = color.value();
    if (visible.checked !== c.visible) patch.visible = visible.checked;
    if (description && description.value.trim() !== (c.description ?? "")) patch.description = description.value.trim() || null;
    if (zone) {
      const tz = zoneValue(zone);
      if (tz === undefined) {
        showError(err, `“${zone.value.trim()}” is not a time zone: pick one from the list (such as Europe/Berlin), or leave it empty.`);
        markInvalid(zone, true, err.id);
        zone.focus();
        return;
      }
      markInvalid(zone, false, err.id);
      if (tz !== c.time_zone) patch.time_zone = tz;
    }
    showError(err, null);
    if (Object.keys(patch).length === 0) {
      status("Nothing to save: no changes.");
      return;
    }
    try {
      const updated = await busy(submit, () => call<Calendar>("PATCH", `/calendars/${c.id}`, patch));
      const i = page.calendars.findIndex((x) => x.id === c.id);
      if (i >= 0) page.calendars[i] = updated;
      page.open.add(c.id);
      const fresh = calendarDetails(page, updated, li);
      li.replaceChildren(fresh);
      fresh.querySelector<HTMLElement>("summary")?.focus();
      status(`“${nameOf(updated)}” saved.`);
      hooks.calendarsChanged();
      if (patch.display_name !== undefined) renderCalendarNamesElsewhere(page);
    } catch (e) {
      showError(err, problemText(e));
      if (e instanceof ApiError) {
        if (e.fields.some((f) => f.pointer === "/time_zone") && zone) markInvalid(zone, true, err.id);
        if (e.fields.some((f) => f.pointer === "/display_name")) markInvalid(name, true, err.id);
      }
    }
  });
  return form;
}

/** Names show up in the token form and the address list too. */
function renderCalendarNamesElsewhere(page: Page): void {
  const own = page.calendars.filter((c) => c.access === "owner");
  for (const o of Array.from(page.tokenCalendar.options)) {
    const c = own.find((x) => x.id === o.value);
    if (c) o.textContent = nameOf(c);
  }
  page.calendarUrls.replaceChildren(
    ...page.calendars.map((c) => h("li", {}, copyRow(`${nameOf(c)}${c.access === "owner" ? "" : ` (${c.owner})`}`, calendarUrl(c)))),
  );
  if (page.tokens.length) renderTokens(page);
}

/** Share, export, import, delete. */
function calendarTools(page: Page, c: Calendar): HTMLElement {
  const owner = c.access === "owner";
  const stem = nextId("tools");
  const result = h("p", { class: "st-hint", id: `${stem}-result`, role: "status" });
  const file = h("input", { type: "file", accept: ".ics,text/calendar", id: `${stem}-file`, hidden: true, "aria-label": `Import an .ics file into ${nameOf(c)}` });
  file.addEventListener("change", async () => {
    const f = file.files?.[0];
    if (!f) return;
    result.className = "st-hint";
    result.textContent = `Importing ${f.name}…`;
    try {
      const text = await f.text();
      const { data } = await request("POST", `/calendars/${c.id}/import`, undefined, { raw: { type: "text/calendar", data: text } });
      const r = data as ImportResult;
      const parts = [`${r.created} added`, r.replaced ? `${r.replaced} updated (already there)` : null];
      result.textContent = `Imported ${f.name}, events and tasks: ${parts.filter(Boolean).join(", ")}.`;
      hooks.changed(c.id);
    } catch (e) {
      result.className = "st-error";
      result.textContent = `${f.name} was not imported: ${problemText(e)}`;
    } finally {
      file.value = "";
    }
  });
  const exportName = `${nameOf(c).replace(/[^\w.-]+/g, "-") || "calendar"}.ics`;
  return h(
    "div",
    { class: "st-tools" },
    h(
      "div",
      { class: "st-actions wrap" },
      owner ? h("button", { type: "button", onclick: () => void shareDialog(c) }, "Share…") : null,
      h("a", { class: "st-button", href: `/api/v1/calendars/${c.id}/export`, download: exportName }, "Export (.ics)"),
      c.access !== "read"
        ? h("button", { type: "button", "aria-describedby": result.id, onclick: () => file.click() }, "Import .ics…")
        : null,
      c.access !== "read" ? file : null,
      h("span", { class: "st-spacer" }),
      owner
        ? h("button", { type: "button", class: "danger", onclick: (e: Event) => void deleteCalendar(page, c, e.currentTarget as HTMLButtonElement) }, "Delete calendar…")
        : null,
    ),
    result,
  );
}

async function deleteCalendar(page: Page, c: Calendar, button: HTMLButtonElement): Promise<void> {
  const ok = await confirmDialog(
    `Delete “${nameOf(c)}”?`,
    `The calendar “${nameOf(c)}” and all its events and tasks are deleted, for you and everyone it is shared with. This cannot be undone.`,
    "Delete calendar",
  );
  if (!ok) return;
  try {
    await busy(button, () => call("DELETE", `/calendars/${c.id}`));
    status(`Calendar “${nameOf(c)}” deleted.`);
    page.open.delete(c.id);
    await reloadCalendars(page);
    hooks.calendarsChanged();
    document.getElementById("st-h-calendars")?.focus();
  } catch (e) {
    failed(e);
  }
}

// ---- sharing dialog --------------------------------------------------------------------

async function shareDialog(c: Calendar): Promise<void> {
  const stem = nextId("share");
  const title = `Share “${nameOf(c)}”`;
  const list = h("ul", { class: "st-shares", "aria-labelledby": `${stem}-people` }, h("li", { class: "st-muted" }, "Loading…"));
  const listErr = errorLine(`${stem}-list-error`);

  // Add someone.
  const addErr = errorLine(`${stem}-add-error`);
  const user = h("input", { type: "text", autocomplete: "off", spellcheck: "false", autocapitalize: "none", required: true });
  const access = h("select", {}, SHARE_ACCESS.map((a) => h("option", { value: a.value }, a.label)));
  const addBtn = h("button", { type: "submit", class: "primary" }, "Share");
  const addForm = h(
    "form",
    { class: "st-add-share", novalidate: true, "aria-label": "Share with someone" },
    field("User name", user),
    field("Access", access),
    h("div", { class: "st-add-btn" }, addBtn),
  );

  // The public link.
  const linkBox = h("div", { class: "st-link-box" }, h("p", { class: "st-muted" }, "Loading…"));

  const historyBox = h("div", {}, h("p", { class: "st-muted" }, "Loading…"));
  const historyDetails = h("details", { class: "st-history" }, h("summary", {}, "Sharing history"), historyBox);
  let historyLoaded = false;
  historyDetails.addEventListener("toggle", () => {
    if (historyDetails.open && !historyLoaded) {
      historyLoaded = true;
      void loadHistory();
    }
  });

  const close = h("button", { type: "button", class: "icon quiet st-close", "aria-label": "Close" }, "✕");
  const dialog = h(
    "dialog",
    { class: "st-dialog", "aria-labelledby": `${stem}-title` },
    h(
      "div",
      { class: "st-dialog-head" },
      h("h2", { id: `${stem}-title` }, title),
      close,
    ),
    h(
      "section",
      { "aria-labelledby": `${stem}-people` },
      h("h3", { id: `${stem}-people` }, "People"),
      list,
      listErr,
      addForm,
      addErr,
    ),
    h(
      "section",
      { "aria-labelledby": `${stem}-link` },
      h("h3", { id: `${stem}-link` }, "Public link"),
      h("p", { class: "st-hint" }, "Anyone who has the link can subscribe to this calendar and read its events, without signing in."),
      linkBox,
    ),
    historyDetails,
  );
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => dialog.remove());
  // A click on the backdrop (outside the box) closes it too.
  dialog.addEventListener("click", (e) => {
    if (e.target !== dialog) return;
    const r = dialog.getBoundingClientRect();
    const me = e as MouseEvent;
    if (me.clientX < r.left || me.clientX > r.right || me.clientY < r.top || me.clientY > r.bottom) dialog.close();
  });
  document.body.append(dialog);
  openDialog(dialog, user);

  const renderShares = (shares: Share[]) => {
    if (shares.length === 0) {
      list.replaceChildren(h("li", { class: "st-muted" }, "Not shared with anyone."));
      return;
    }
    list.replaceChildren(
      ...shares
        .sort((a, b) => a.user.localeCompare(b.user))
        .map((s) => {
          const sel = h(
            "select",
            { "aria-label": `Access for ${s.user}` },
            SHARE_ACCESS.map((a) => h("option", { value: a.value, selected: a.value === s.access }, a.label)),
          );
          sel.addEventListener("change", async () => {
            showError(listErr, null);
            const was = s.access;
            try {
              sel.disabled = true;
              await call("PUT", `/calendars/${c.id}/shares/${encodeURIComponent(s.user)}`, { access: sel.value });
              s.access = sel.value as ShareAccess;
              status(`${s.user}: ${(ACCESS_LABEL[s.access] ?? s.access).toLowerCase()}.`);
              historyLoaded = false;
              if (historyDetails.open) void loadHistory();
            } catch (e) {
              sel.value = was;
              showError(listErr, problemText(e));
            } finally {
              sel.disabled = false;
            }
          });
          const remove = h("button", { type: "button", class: "danger", "aria-label": `Remove ${s.user}` }, "Remove");
          remove.addEventListener("click", async () => {
            showError(listErr, null);
            try {
              await busy(remove, () => call("DELETE", `/calendars/${c.id}/shares/${encodeURIComponent(s.user)}`));
              status(`No longer shared with ${s.user}.`);
              await loadShares();
              user.focus();
            } catch (e) {
              showError(listErr, problemText(e));
            }
          });
          return h(
            "li",
            {},
            h("span", { class: "st-share-user" }, s.user, h("span", { class: "st-hint" }, ` since ${fmtDateTime(s.since, { dateStyle: "medium" })}`)),
            sel,
            remove,
          );
        }),
    );
  };

  const loadShares = async () => {
    try {
      const r = await call<{ items: Share[] }>("GET", `/calendars/${c.id}/shares`);
      renderShares(r.items);
    } catch (e) {
      list.replaceChildren();
      showError(listErr, `The people could not be loaded: ${problemText(e)}`);
    }
    if (historyDetails.open) void loadHistory();
    else historyLoaded = false;
  };

  addForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const who = user.value.trim();
    markInvalid(user, false, addErr.id);
    if (!who) {
      showError(addErr, "Type the user name of the person to share with.");
      markInvalid(user, true, addErr.id);
      user.focus();
      return;
    }
    showError(addErr, null);
    try {
      await busy(addBtn, () => call("PUT", `/calendars/${c.id}/shares/${encodeURIComponent(who)}`, { access: access.value }));
      status(`Shared with ${who}.`);
      user.value = "";
      await loadShares();
      user.focus();
    } catch (e) {
      showError(addErr, problemText(e, "/user"));
      markInvalid(user, true, addErr.id);
      user.focus();
    }
  });

  const renderLink = (link: PublicLink) => {
    const parts: HTMLElement[] = [];
    if (link.active && link.url) {
      parts.push(
        h("p", { class: "st-ok" }, "A new public link was made. Copy it now: its address is not shown again."),
        copyRow("Public link", new URL(link.url, location.origin).href),
      );
    } else if (link.active) {
      parts.push(
        h(
          "p",
          {},
          `A public link is active (made ${fmtDateTime(link.created)}). Its address is shown only when it is made; make a new one to see an address again (the old one then stops working).`,
        ),
      );
    } else {
      parts.push(h("p", {}, "There is no public link."));
    }
    const make = h("button", { type: "button", class: link.active ? "" : "primary" }, link.active ? "Make a new link" : "Make a public link");
    make.addEventListener("click", async () => {
      if (link.active) {
        const ok = await confirmDialog("Make a new public link?", "The current public link stops working: everyone subscribed with it loses access.", "Make a new link");
        if (!ok) return;
      }
      try {
        const fresh = await busy(make, () => call<PublicLink>("POST", `/calendars/${c.id}/public-link`));
        renderLink(fresh);
        linkBox.querySelector<HTMLInputElement>("input")?.focus();
        historyLoaded = false;
        if (historyDetails.open) void loadHistory();
      } catch (e) {
        linkError(e);
      }
    });
    const revoke = link.active ? h("button", { type: "button", class: "danger" }, "Revoke link") : null;
    revoke?.addEventListener("click", async () => {
      const ok = await confirmDialog("Revoke the public link?", `The public link to “${nameOf(c)}” stops working at once.`, "Revoke link");
      if (!ok) return;
      try {
        await busy(revoke, () => call("DELETE", `/calendars/${c.id}/public-link`));
        status("The public link is revoked.");
        renderLink({ active: false });
        linkBox.querySelector<HTMLElement>("button")?.focus();
        historyLoaded = false;
        if (historyDetails.open) void loadHistory();
      } catch (e) {
        linkError(e);
      }
    });
    linkBox.replaceChildren(...parts, h("div", { class: "st-actions wrap" }, make, revoke), errorLine(`${stem}-link-error`));
  };
  const linkError = (e: unknown) => {
    const p = linkBox.querySelector<HTMLElement>(".st-error");
    if (p) showError(p, problemText(e));
    else failed(e);
  };

  async function loadHistory(): Promise<void> {
    try {
      const r = await call<{ items: ShareEvent[] }>("GET", `/calendars/${c.id}/share-history`);
      historyLoaded = true;
      if (r.items.length === 0) {
        historyBox.replaceChildren(h("p", { class: "st-muted" }, "Nothing yet."));
        return;
      }
      historyBox.replaceChildren(
        h(
          "ol",
          { class: "st-history-list", reversed: true },
          [...r.items].reverse().map((ev) => h("li", {}, h("time", { datetime: ev.at }, fmtDateTime(ev.at)), " ", describe(ev))),
        ),
      );
    } catch (e) {
      historyBox.replaceChildren(h("p", { class: "st-error" }, problemText(e)));
    }
  }

  const [, link] = await Promise.allSettled([loadShares(), call<PublicLink>("GET", `/calendars/${c.id}/public-link`)]);
  if (link.status === "fulfilled") renderLink(link.value);
  else linkBox.replaceChildren(h("p", { class: "st-error" }, `The public link could not be loaded: ${problemText(link.reason)}`));
}

function describe(ev: ShareEvent): string {
  const who = ev.actor;
  switch (ev.action) {
    case "shared":
      return `${who} shared it with ${ev.user ?? "someone"}${ev.access ? ` (${(ACCESS_LABEL[ev.access] ?? ev.access).toLowerCase()})` : ""}.`;
    case "unshared":
      return `${who} stopped sharing it with ${ev.user ?? "someone"}.`;
    case "link-created":
      return `${who} made a public link.`;
    case "link-revoked":
      return `${who} revoked the public link.`;
    default:
      return `${who}: ${ev.action}${ev.user ? ` ${ev.user}` : ""}.`;
  }
}

// ---- tokens ----------------------------------------------------------------------------

function tokensSection(page: Page): HTMLElement {
  return section(
    "tokens",
    "App passwords and API tokens",
    h(
      "p",
      { class: "st-lead" },
      "An app password lets one calendar app (a phone, Thunderbird) sign in without your account password; an API token is for scripts (",
      h("code", {}, "Authorization: Bearer …"),
      "). Each can be limited to reading, to one calendar and in time, and revoked on its own.",
    ),
    page.secretSlot,
    page.tokenList,
    newTokenForm(page),
  );
}

function newTokenForm(page: Page): HTMLElement {
  const err = errorLine("st-new-token-error");
  const name = h("input", { type: "text", required: true, maxlength: 100, autocomplete: "off", placeholder: "e.g. iPhone, Thunderbird at work" });
  const kindName = nextId("kind");
  const kindApp = h("input", { type: "radio", name: kindName, value: "app-password", checked: true, id: `${kindName}-app` });
  const kindToken = h("input", { type: "radio", name: kindName, value: "token", id: `${kindName}-token` });
  const scope = h(
    "select",
    {},
    h("option", { value: "read-write" }, "Read and write"),
    h("option", { value: "read-only" }, "Read only"),
  );
  const expires = h(
    "select",
    {},
    h("option", { value: "" }, "Never"),
    h("option", { value: "7" }, "In 7 days"),
    h("option", { value: "30" }, "In 30 days"),
    h("option", { value: "90" }, "In 90 days"),
    h("option", { value: "365" }, "In a year"),
  );
  const submit = h("button", { type: "submit", class: "primary" }, "Create");
  const form = h(
    "form",
    { class: "st-card st-form", novalidate: true, "aria-labelledby": "st-h-new-token" },
    h("h4", { id: "st-h-new-token" }, "New app password or token"),
    h(
      "fieldset",
      { class: "st-kind" },
      h("legend", {}, "Kind"),
      h("div", { class: "st-check" }, kindApp, h("label", { for: kindApp.id }, "App password (for a calendar app)")),
      h("div", { class: "st-check" }, kindToken, h("label", { for: kindToken.id }, "API token (for scripts)")),
    ),
    h(
      "div",
      { class: "st-grid" },
      field("Name", name, "To recognise it in this list."),
      field("Access", scope),
      field("Calendars", page.tokenCalendar),
      field("Expires", expires),
    ),
    err,
    h("div", { class: "st-actions" }, submit),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const label = name.value.trim();
    markInvalid(name, false, err.id);
    if (!label) {
      showError(err, "Give it a name, such as the device it is for.");
      markInvalid(name, true, err.id);
      name.focus();
      return;
    }
    showError(err, null);
    const body: Record<string, unknown> = {
      name: label,
      kind: kindToken.checked ? "token" : "app-password",
      scope: scope.value,
    };
    if (page.tokenCalendar.value) body.calendar_id = page.tokenCalendar.value;
    if (expires.value) body.expires_in_days = Number(expires.value);
    try {
      const created = await busy(submit, () => call<CreatedToken>("POST", "/tokens", body));
      form.reset();
      kindApp.checked = true;
      const { secret, ...token } = created;
      page.tokens.push(token);
      renderTokens(page);
      showSecret(page, created);
    } catch (e) {
      showError(err, problemText(e));
      if (e instanceof ApiError && e.fields.some((f) => f.pointer === "/name")) markInvalid(name, true, err.id);
    }
  });
  return form;
}

/** The new secret, once, prominently. */
function showSecret(page: Page, t: CreatedToken): void {
  const app_ = t.kind === "app-password";
  const what = app_ ? "app password" : "API token";
  const hid = nextId("secret");
  const done = h("button", { type: "button" }, "Done: I have copied it");
  const box = h(
    "div",
    { class: "st-secret", role: "region", "aria-labelledby": hid },
    h("h4", { id: hid }, `Your new ${what} “${t.name}”`),
    h("p", { class: "st-strong" }, "Copy it now: it will not be shown again."),
    copyRow(app_ ? "App password" : "Token", t.secret),
    app_
      ? h("p", {}, "Use it as the password in your calendar app, with the user name ", h("strong", {}, app.user || "you sign in with"), ".")
      : h("p", {}, "Send it as ", h("code", {}, "Authorization: Bearer …"), " with each request."),
    h("div", { class: "st-actions" }, done),
  );
  done.addEventListener("click", () => {
    box.remove();
    document.getElementById("st-h-tokens")?.focus();
  });
  page.secretSlot.replaceChildren(box);
  box.scrollIntoView({ block: "nearest" });
  box.querySelector<HTMLInputElement>("input")?.focus();
}

function renderTokens(page: Page): void {
  if (page.tokens.length === 0) {
    page.tokenList.replaceChildren(h("p", { class: "st-muted" }, "No app passwords or tokens yet."));
    return;
  }
  const calName = (id: string | null | undefined) => {
    if (!id) return "All";
    const c = page.calendars.find((x) => x.id === id);
    return c ? nameOf(c) : "A deleted calendar";
  };
  const now = Date.now();
  page.tokenList.replaceChildren(
    h(
      "ul",
      { class: "st-tokens", "aria-label": "Your app passwords and tokens" },
      page.tokens.map((t) => {
        const expired = t.expires ? new Date(t.expires).valueOf() < now : false;
        const revoke = h("button", { type: "button", class: "danger", "aria-label": `Revoke ${t.name}` }, "Revoke");
        revoke.addEventListener("click", () => void revokeToken(page, t, revoke));
        const row = (k: string, v: Node | string) => h("div", {}, h("dt", {}, k), h("dd", {}, v));
        return h(
          "li",
          { class: "st-token" },
          h(
            "div",
            { class: "st-token-head" },
            h("span", { class: "st-token-name" }, t.name),
            h("span", { class: `st-badge ${t.kind}` }, t.kind === "app-password" ? "App password" : "API token"),
            expired ? h("span", { class: "st-badge expired" }, "Expired") : null,
            h("span", { class: "st-spacer" }),
            revoke,
          ),
          h(
            "dl",
            {},
            row("Access", t.scope === "read-only" ? "Read only" : "Read and write"),
            row("Calendars", calName(t.calendar_id)),
            row("Created", fmtDateTime(t.created)),
            row("Last used", t.last_used ? fmtDateTime(t.last_used) : "Never"),
            row("Expires", t.expires ? fmtDateTime(t.expires) : "Never"),
          ),
        );
      }),
    ),
  );
}

async function revokeToken(page: Page, t: Token, button: HTMLButtonElement): Promise<void> {
  const what = t.kind === "app-password" ? "app password" : "API token";
  const ok = await confirmDialog(
    `Revoke “${t.name}”?`,
    `The ${what} “${t.name}” stops working at once: ${t.kind === "app-password" ? "the app that uses it is signed out" : "scripts that use it are refused"}.`,
    "Revoke",
  );
  if (!ok) return;
  try {
    await busy(button, () => call("DELETE", `/tokens/${t.id}`));
    page.tokens = page.tokens.filter((x) => x.id !== t.id);
    renderTokens(page);
    status(`“${t.name}” revoked.`);
    document.getElementById("st-h-tokens")?.focus();
  } catch (e) {
    failed(e);
  }
}

// ---- connecting a client ---------------------------------------------------------------

function connectSection(page: Page): HTMLElement {
  const user = app.user;
  const tokensLink = h("a", { href: "#/settings/tokens", onclick: (e: Event) => jump(e, "tokens") }, "make an app password");
  const step = (...parts: (Node | string)[]) => h("li", {}, ...parts);
  const b = (s: string) => h("strong", {}, s);
  return section(
    "connect",
    "Connect a calendar app",
    h(
      "p",
      { class: "st-lead" },
      "Any CalDAV app can sync your calendars. Sign it in with your user name and an app password rather than your account password: ",
      tokensLink,
      " for each device, so that you can revoke one without changing your password.",
    ),
    h(
      "div",
      { class: "st-card st-addresses" },
      h("h4", {}, "Your addresses"),
      copyRow("User name", user),
      copyRow("Server address", `${origin()}/`),
      copyRow("Principal URL", principalUrl(user)),
      copyRow("Calendar home URL", homeUrl(user)),
      h("details", { class: "st-cal-urls" }, h("summary", {}, "Each calendar's own address"), page.calendarUrls),
    ),
    h(
      "div",
      { class: "st-clients" },
      h(
        "article",
        { class: "st-card", "aria-labelledby": "st-h-apple" },
        h("h4", { id: "st-h-apple" }, "Apple Calendar (macOS, iPhone, iPad)"),
        h(
          "ol",
          {},
          step("On a Mac: ", b("System Settings → Internet Accounts → Add Other Account… → CalDAV Account"), ". On iPhone or iPad: ", b("Settings → Apps → Calendar → Calendar Accounts → Add Account → Other → Add CalDAV Account"), " (before iOS 18: Settings → Calendar → Accounts)."),
          step("Account type (Mac): ", b("Manual"), "."),
          step("Server: the ", b("server address"), " above. User name: ", b(user || "your user name"), ". Password: an app password."),
          step("Sign in, then choose Calendars (and Reminders for tasks)."),
        ),
      ),
      h(
        "article",
        { class: "st-card", "aria-labelledby": "st-h-thunderbird" },
        h("h4", { id: "st-h-thunderbird" }, "Thunderbird"),
        h(
          "ol",
          {},
          step("In the calendar, ", b("New Calendar… → On the Network"), "."),
          step("User name: ", b(user || "your user name"), ". Location: the ", b("server address"), " above (or one calendar's own address)."),
          step(b("Find Calendars"), ", give the app password when asked, and tick the calendars to subscribe to."),
        ),
      ),
      h(
        "article",
        { class: "st-card", "aria-labelledby": "st-h-davx5" },
        h("h4", { id: "st-h-davx5" }, "DAVx⁵ (Android)"),
        h(
          "ol",
          {},
          step("Add an account (+) → ", b("Login with URL and user name"), "."),
          step("Base URL: the ", b("server address"), " above. User name: ", b(user || "your user name"), ". Password: an app password."),
          step(b("Create account"), ", then in its CalDAV tab tick the calendars to sync. They appear in your phone's calendar app."),
        ),
      ),
    ),
  );
}

function accountSection(): HTMLElement {
  return section(
    "account",
    "Account",
    h("p", {}, "Signed in as ", h("strong", {}, app.user || "(unknown)"), "."),
    h("p", { class: "st-hint" }, "To sign out, use Sign out at the bottom of the side panel. Signing out here does not revoke app passwords or tokens: revoke those above."),
  );
}
