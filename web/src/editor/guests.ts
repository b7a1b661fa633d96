// Guests: the list editor of the event's attendees (e-mail addresses; no invitations are
// sent).

import { $, h } from "../dom";
import { dialog, editing, input } from "./context";
import { clearError, showError } from "./errors";

/** An attendee's address without its `mailto:`. */
export const stripMailto = (a: string) => a.replace(/^mailto:/i, "");
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** Draws the guest list from the dialog's state. */
export function renderGuests(): void {
  const c = editing.ctx;
  if (!c) return;
  const list = $("ed-guest-list");
  const items = c.guests.map((g, i) =>
    h(
      "li",
      { class: "ed-row" },
      h("span", { class: "ed-guest" }, g),
      h(
        "button",
        {
          type: "button",
          class: "icon quiet ed-remove",
          "aria-label": `Remove guest ${g}`,
          disabled: c.readOnly,
          onclick: () => {
            c.guests.splice(i, 1);
            renderGuests();
            const rest = $("ed-guest-list").querySelectorAll<HTMLButtonElement>(".ed-remove");
            (rest[Math.min(i, rest.length - 1)] ?? input("ed-guest")).focus();
          },
        },
        "✕",
      ),
    ),
  );
  list.replaceChildren(...items);
  list.hidden = items.length === 0;
  for (const el of dialog().querySelectorAll<HTMLElement>(".ed-guest-add, #ed-guest-hint")) el.hidden = c.readOnly;
}

/** Adds what the guest field holds; false (with the reason shown) if it is not an address. */
export function addGuest(): boolean {
  const c = editing.ctx!;
  const field = input("ed-guest");
  const address = stripMailto(field.value.trim());
  if (!address) return true;
  if (!EMAIL.test(address)) {
    showError("ed-guest-error", "Enter an e-mail address such as name@example.com.");
    return false;
  }
  if (c.guests.some((g) => g.toLowerCase() === address.toLowerCase())) {
    showError("ed-guest-error", `${address} is already a guest.`);
    return false;
  }
  c.guests.push(address);
  field.value = "";
  clearError("ed-guest-error");
  renderGuests();
  return true;
}

/** Wires the guest field and its Add button (once). */
export function wireGuests(): void {
  $("ed-guest-add").addEventListener("click", () => {
    if (addGuest()) input("ed-guest").focus();
  });
  input("ed-guest").addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      addGuest();
    }
  });
  input("ed-guest").addEventListener("input", () => clearError("ed-guest-error"));
}
