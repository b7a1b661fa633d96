// What the dialog is editing (the item, its etag, the instance, the form as loaded), shared
// by the editor's modules, and the form's elements they all look up.

import type { EventItem } from "../api";
import { $ } from "../dom";
import type { Rule } from "../rrule";
import type { Model } from "./model";
import type { AlarmRow } from "./reminders";

/** An event (VEVENT) or a task (VTODO): the two kinds the dialog edits. */
export type Kind = "event" | "task";

/** What is being edited. */
export interface Ctx {
  /** The event as loaded; null for a new item. */
  item: EventItem | null;
  cal: string;
  etag: string;
  instance: string | null;
  recurring: boolean;
  readOnly: boolean;
  /** The calendar's zone: where dates and floating times of the series are placed. */
  calZone: string;
  /** The series' start (and due) as wall times in the zone shown, for shifting it. */
  masterStart: string | null;
  masterDue: string | null;
  /** The item's recurrence lines (RRULE, RDATE, EXDATE) as stored. */
  lines: string[];
  /** The date the rule was read against. */
  ruleBase: string;
  /** A TZID the item uses that the browser does not know (kept as it is). */
  foreignZone: string;
  /** The component shown has a DURATION (instead of an end). */
  hadDuration: boolean;
  /** The form as loaded: what counts as unchanged. */
  base: Model;
  /** Live parts of the form not held by inputs. */
  rule: Rule;
  alarms: AlarmRow[];
  guests: string[];
  /** The start (naive wall) the end was last kept in step with. */
  lastStart: string;
  busy: boolean;
}

/**
 * The dialog's state: `ctx` is what is open (null when closed); `generation` counts
 * openings and closings, so that an answer arriving after the dialog moved on is dropped.
 */
export const editing: { ctx: Ctx | null; generation: number } = { ctx: null, generation: 0 };

/** The dialog element. */
export const dialog = () => $<HTMLDialogElement>("editor");
/** An <input> of the form by id. */
export const input = (id: string) => $<HTMLInputElement>(id);
/** A <select> of the form by id. */
export const select = (id: string) => $<HTMLSelectElement>(id);

/** The kind shown: an existing item's own, else the one picked in the form. */
export function readKind(): Kind {
  if (editing.ctx?.item) return editing.ctx.base.kind;
  return (document.querySelector<HTMLInputElement>('#ed-kind input[name="kind"]:checked')?.value as Kind) ?? "event";
}
