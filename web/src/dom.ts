// Small DOM helpers: building elements, the status line, saved preferences.

type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;
type Child = Node | string | null | undefined | false;

/** `h("button", {type: "button", onclick: f}, "Save")`. Text is never parsed as HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = String(v);
    else if (k === "text") el.textContent = String(v);
    else if (k in el && typeof v !== "string" && k !== "list") (el as unknown as Record<string, unknown>)[k] = v;
    else if (k === "value" || k === "checked" || k === "selected") (el as unknown as Record<string, unknown>)[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c);
  }
  return el;
}

export const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

let statusTimer = 0;

/** A short message at the bottom (errors stay longer and are announced at once). */
export function status(text: string, error = false): void {
  const polite = $("status");
  const urgent = $("alert");
  const [show, hide] = error ? [urgent, polite] : [polite, urgent];
  hide.hidden = true;
  show.textContent = text;
  show.hidden = false;
  window.clearTimeout(statusTimer);
  statusTimer = window.setTimeout(() => (show.hidden = true), error ? 9000 : 4000);
}

export function failed(e: unknown): void {
  if ((e as Error)?.name === "AbortError") return;
  status((e as Error)?.message ?? String(e), true);
}

// ---- preferences (this browser only) ------------------------------------------------

export function pref(key: string): string | null {
  try {
    return localStorage.getItem(`kairos.${key}`);
  } catch {
    return null;
  }
}

export function setPref(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(`kairos.${key}`);
    else localStorage.setItem(`kairos.${key}`, value);
  } catch {
    // Storage off: the choice lasts for this page only.
  }
}

/** Copies text, with a fallback for browsers without the async clipboard. */
export async function copy(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = h("textarea", { readonly: true, class: "visually-hidden" }, text);
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  status("Copied to the clipboard.");
}

/** Opens a modal dialog and puts focus where it belongs; returns focus on close. */
export function openDialog(dialog: HTMLDialogElement, focus?: HTMLElement | null): void {
  const back = document.activeElement as HTMLElement | null;
  dialog.addEventListener(
    "close",
    () => {
      if (back && document.contains(back)) back.focus();
    },
    { once: true },
  );
  dialog.showModal();
  (focus ?? dialog.querySelector<HTMLElement>("[autofocus], input, select, textarea, button"))?.focus();
}

export function fmtDateTime(iso: string | null | undefined, opts: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" }): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.valueOf()) ? iso : d.toLocaleString(undefined, opts);
}
