// Tasks from outside the dialog: checking one off (or on again) in the side panel or the
// calendar, and the fields that say a task is done, which the dialog sends too.

import { ApiError, eventPath, getEvent, request } from "../api";
import { status } from "../dom";
import { hooks } from "../state";
import { nowUtc } from "./when";

/** The PATCH fields marking a task done or not done, given its percent-complete as stored. */
export function doneFields(done: boolean, percent: number | null | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = {
    status: done ? "COMPLETED" : "NEEDS-ACTION",
    completed: done ? nowUtc() : null,
  };
  if (done && percent != null && percent !== 100) body.percent_complete = 100;
  if (!done && percent === 100) body.percent_complete = null;
  return body;
}

/**
 * Marks a task done or not done (sidebar and calendar checkboxes): PATCH of status and
 * completed with If-Match; an instance of a repeating task is changed alone (scope
 * `this`). Rejects on failure (the caller shows it and puts the checkbox back).
 */
export async function toggleDone(target: { calendar: string; event: string; instance: string | null; done: boolean }): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const item = await getEvent(target.calendar, target.event);
    const recurring = (item.recurrence?.length ?? 0) > 0 || item.recurrence_id != null;
    const instance = recurring ? target.instance : null;
    const body = doneFields(target.done, item.percent_complete);
    try {
      await request("PATCH", eventPath(target.calendar, target.event, instance ? "this" : "all", instance), body, { headers: { "If-Match": item.etag } });
      break;
    } catch (e) {
      // Changed between the read and the write: once more with the new version.
      if (e instanceof ApiError && e.status === 412 && attempt === 0) continue;
      throw e;
    }
  }
  hooks.changed(target.calendar);
  status(target.done ? "Task done." : "Task marked as not done.");
}
