// Search over the shown calendars' titles, places and descriptions (the API's indexed
// text search), as a dialog: type, pick a result, land on its day with it open.

import { search } from "./api";
import type { EventItem } from "./api";
import { $, failed, h, openDialog } from "./dom";
import { editItem } from "./editor";
import { app, nameOf } from "./state";
import { dateIn } from "./tz";
import { fc } from "./view";

let timer = 0;
let running: AbortController | null = null;

function startOf(e: EventItem): number | null {
  const w = e.start ?? e.due;
  if (!w) return null;
  if (w.date) return Date.parse(`${w.date}T12:00:00Z`);
  return Date.parse(w.date_time?.endsWith("Z") ? w.date_time : `${w.date_time}Z`);
}

async function run(words: string): Promise<void> {
  running?.abort();
  const count = $("search-count");
  const results = $("search-results");
  if (words.trim().length < 2) {
    results.replaceChildren();
    count.textContent = "";
    return;
  }
  const abort = new AbortController();
  running = abort;
  const shown = app.calendars.filter((c) => c.visible);
  try {
    const pages = await Promise.all(shown.map((c) => search(c.id, words, abort.signal).then((p) => ({ c, p }))));
    const found = pages.flatMap(({ c, p }) => p.items.map((e) => ({ c, e, at: startOf(e) })));
    found.sort((a, b) => (b.at ?? 0) - (a.at ?? 0));
    results.replaceChildren(
      ...found.slice(0, 100).map(({ c, e, at }) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              type: "button",
              class: "result",
              onclick: () => {
                ($("search") as HTMLDialogElement).close();
                if (at !== null) fc.gotoDate(dateIn(app.zone, at));
                void editItem({ calendar: c.id, event: e.id, instance: null });
              },
            },
            h("span", { class: "r-title" }, e.summary || "(no title)"),
            h("span", { class: "muted small" }, [at === null ? "no date" : new Date(at).toLocaleDateString(undefined, { dateStyle: "medium", timeZone: app.zone }), nameOf(c), e.location ?? ""].filter(Boolean).join(" · ")),
          ),
        ),
      ),
    );
    count.textContent = found.length === 0 ? "Nothing found." : `${found.length} found${found.length > 100 ? " (first 100 shown)" : ""}.`;
  } catch (e) {
    failed(e);
  }
}

export function wireSearch(): void {
  const dialog = $<HTMLDialogElement>("search");
  const q = $<HTMLInputElement>("search-q");
  q.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void run(q.value), 250);
  });
  $("search-form").addEventListener("submit", (ev) => {
    // Enter searches at once; the close button (a submit of its own) closes.
    if ((ev as SubmitEvent).submitter === null) {
      ev.preventDefault();
      void run(q.value);
    }
  });
  // In a search field Esc first only clears the text; here it closes, as everywhere.
  q.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") {
      ev.preventDefault();
      dialog.close();
    }
  });
  $("search-open").addEventListener("click", () => openSearch());
  dialog.addEventListener("close", () => running?.abort());
}

export function openSearch(): void {
  const dialog = $<HTMLDialogElement>("search");
  openDialog(dialog, $("search-q"));
  $<HTMLInputElement>("search-q").select();
}
