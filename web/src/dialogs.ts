// Small modal questions: which events of a series, and "are you sure?".

import type { Scope } from "./api";
import { h, openDialog } from "./dom";

let counter = 0;

/** A modal <dialog> with a title and buttons; resolves with the value of the button chosen. */
function ask(title: string, text: string | null, buttons: { value: string; label: string; cls?: string }[], cancel = "cancel"): Promise<string> {
  const id = `ask-${++counter}`;
  const form = h(
    "form",
    { method: "dialog" },
    h("h2", { id: `${id}-title` }, title),
    text ? h("p", { id: `${id}-text` }, text) : null,
    h(
      "div",
      { class: "actions column" },
      buttons.map((b) => h("button", { value: b.value, class: b.cls ?? "" }, b.label)),
    ),
  );
  const dialog = h("dialog", { class: "small", "aria-labelledby": `${id}-title`, "aria-describedby": text ? `${id}-text` : null }, form);
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue || cancel);
      dialog.remove();
    });
    openDialog(dialog, dialog.querySelector<HTMLElement>("button"));
  });
}

/** Which instances a change of a repeating event is for; null: cancelled. */
export async function askScope(what: "change" | "move" | "delete", allowThis = true): Promise<Scope | null> {
  const verb = what === "delete" ? "Delete" : what === "move" ? "Move" : "Change";
  const buttons = [
    ...(allowThis ? [{ value: "this", label: "This event", cls: "primary" }] : []),
    { value: "following", label: "This and following events", cls: allowThis ? "" : "primary" },
    { value: "all", label: "All events", cls: "" },
    { value: "cancel", label: "Cancel", cls: "quiet" },
  ];
  const text = allowThis ? null : "A new repeat rule applies to a whole series, or to the rest of it from this event on.";
  const v = await ask(`${verb} a repeating event`, text, buttons);
  return v === "cancel" ? null : (v as Scope);
}

/** Asks before something that cannot be undone. */
export async function confirmDialog(title: string, text: string, ok: string, danger = true): Promise<boolean> {
  const v = await ask(title, text, [
    { value: "ok", label: ok, cls: danger ? "danger" : "primary" },
    { value: "cancel", label: "Cancel", cls: "quiet" },
  ]);
  return v === "ok";
}
