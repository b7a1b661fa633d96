// The REST API as the app uses it: the session cookie with its CSRF token on every
// change, RFC 9457 problem documents turned into readable errors, 401 back to the
// sign-in page. Types follow /api/v1/openapi.json.

export type Access = "owner" | "read-write" | "read";
export type ShareAccess = "read" | "read-write" | "free-busy";

export interface Calendar {
  id: string;
  name: string;
  owner: string;
  display_name: string | null;
  description?: string | null;
  color: string | null;
  order: number | null;
  visible: boolean;
  time_zone: string | null;
  components: string[];
  access: Access;
  sync_token: string;
  etag: string;
  updated: string;
}

/** A date (all-day), or a date-time that is UTC (`Z`), in `time_zone`, or floating. */
export interface When {
  date?: string | null;
  date_time?: string | null;
  time_zone?: string | null;
}

export interface Component {
  kind: "event" | "task" | "journal";
  uid: string;
  summary?: string | null;
  description?: string | null;
  location?: string | null;
  start?: When | null;
  end?: When | null;
  due?: When | null;
  duration?: string | null;
  status?: string | null;
  percent_complete?: number | null;
  recurrence?: string[];
  recurrence_id?: When | null;
  attendees?: string[];
  organizer?: string | null;
  categories?: string[];
  transparency?: string | null;
  all_day: boolean;
  /** How many VALARMs (the API lists no more than the count; see `alarmsOf`). */
  alarms: number;
}

export interface Instance {
  event_id: string;
  calendar_id: string;
  etag: string;
  /** RFC 3339 UTC; all-day instances start at midnight in the calendar's zone. */
  start: string | null;
  end: string | null;
  recurrence_id: string | null;
  all_day: boolean;
  component: Component;
}

export interface EventItem extends Component {
  id: string;
  calendar_id: string;
  etag: string;
  overrides?: Component[];
}

export interface EventPage {
  items: EventItem[];
  instances?: Instance[] | null;
  truncated?: boolean;
}

export interface Alarm {
  action: "display" | "audio" | "email";
  description?: string | null;
  trigger: { duration: string; related?: "start" | "end" } | { at: string };
}

export interface Share {
  user: string;
  access: ShareAccess;
  since: string;
}

export interface PublicLink {
  active: boolean;
  created?: string | null;
  url?: string | null;
}

export interface Token {
  id: string;
  kind: "token" | "app-password";
  name: string;
  scope: "read-only" | "read-write";
  calendar_id?: string | null;
  created: string;
  last_used?: string | null;
  expires?: string | null;
  secret?: string;
}

export type Scope = "all" | "this" | "following";

/** A failed request, with the server's explanation. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Field problems: JSON pointer (e.g. `/start`) → what is wrong. */
    readonly fields: { pointer: string; detail: string }[] = [],
    readonly kind = "",
  ) {
    super(message);
  }
}

let csrf = "";
let leaving = false;

/** Off to the server's sign-in page; the app's own page (hash) comes back after. */
export function toSignIn(): never {
  if (!leaving) {
    leaving = true;
    try {
      if (location.hash.length > 1) sessionStorage.setItem("kairos.return", location.hash);
    } catch {
      // Private mode: the hash is simply not restored.
    }
    location.assign("/login?return_to=/");
  }
  throw new ApiError(401, "You are signed out.");
}

const plain: Record<number, string> = {
  403: "You are not allowed to do that.",
  404: "It is not there any more (deleted, or no longer shared with you).",
  409: "That conflicts with something that already exists.",
  410: "That has expired; reload the page.",
  412: "This changed elsewhere (another device or tab) while you were editing. It has been reloaded: check it and try again.",
  413: "That is too large for the server.",
  500: "The server failed to do that. Try again in a moment.",
  502: "The server cannot be reached right now. Try again in a moment.",
  503: "The server is busy. Try again in a moment.",
};

/** A problem document (or any failed response) as an ApiError with a readable message. */
async function explain(r: Response): Promise<ApiError> {
  let detail = "";
  let kind = "";
  let fields: { pointer: string; detail: string }[] = [];
  try {
    const p = (await r.json()) as { title?: string; detail?: string; type?: string; errors?: { pointer?: string; detail?: string }[] };
    detail = p.detail ?? "";
    kind = (p.type ?? "").split("/").pop() ?? "";
    fields = (p.errors ?? []).map((e) => ({ pointer: e.pointer ?? "", detail: e.detail ?? "" }));
    // Some answers name the field in their detail: "/start: … is not a date_time",
    // "/attendees[1].email: listed twice".
    const m = /^(\/[\w/[\].-]+): (.*)$/s.exec(detail);
    if (m && fields.length === 0) fields = [{ pointer: m[1], detail: m[2] }];
    if (!detail) detail = p.title ?? "";
  } catch {
    // Not a problem document: the status says it.
  }
  let message: string;
  if (r.status === 412) message = plain[412];
  else if (r.status === 429) {
    const wait = r.headers.get("Retry-After");
    message = `Too many attempts; wait${wait ? ` ${wait} seconds` : " a moment"} and try again.`;
  } else if (r.status === 422 || r.status === 400 || r.status === 409) {
    const list = fields.map((f) => `${fieldName(f.pointer)}: ${f.detail}`);
    message = list.length ? list.join("; ") : capital(detail || plain[r.status] || r.statusText);
  } else {
    message = plain[r.status] ?? capital(detail || r.statusText || `Error ${r.status}`);
    if (detail && plain[r.status] && r.status !== 404) message += ` (${detail})`;
  }
  return new ApiError(r.status, message, fields, kind);
}

function capital(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/** `/start/date_time` → "start date time" (for people). */
export function fieldName(pointer: string): string {
  return pointer.replace(/^\//, "").replace(/\/\d+|\[\d+\]/g, "").replace(/[/_.]/g, " ") || "request";
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** Send this as the body with its own content type (not JSON). */
  raw?: { type: string; data: string };
  accept?: string;
  signal?: AbortSignal;
}

/** One API call, JSON in and out, with the response (for ETag and friends). */
export async function request(
  method: string,
  path: string,
  body?: unknown,
  opts: CallOptions = {},
): Promise<{ data: unknown; response: Response }> {
  const h: Record<string, string> = { Accept: opts.accept ?? "application/json", ...opts.headers };
  if (method !== "GET" && method !== "HEAD") h["X-CSRF-Token"] = csrf;
  let payload: string | undefined;
  if (opts.raw) {
    h["Content-Type"] = opts.raw.type;
    payload = opts.raw.data;
  } else if (body !== undefined) {
    h["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let r: Response;
  try {
    r = await fetch(`/api/v1${path}`, { method, headers: h, credentials: "same-origin", body: payload, signal: opts.signal });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new ApiError(0, "The server cannot be reached: check your connection.");
  }
  if (r.status === 401) toSignIn();
  if (!r.ok) throw await explain(r);
  if (r.status === 204 || r.headers.get("Content-Length") === "0") return { data: undefined, response: r };
  const type = r.headers.get("Content-Type") ?? "";
  const data = type.includes("json") ? await r.json() : await r.text();
  return { data, response: r };
}

export async function call<T>(method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<T> {
  return (await request(method, path, body, opts)).data as T;
}

/** Who is signed in (and the CSRF token for changes). */
export async function session(): Promise<string> {
  const s = await call<{ user: string; csrf_token: string }>("GET", "/session");
  csrf = s.csrf_token;
  return s.user;
}

export async function signOut(): Promise<void> {
  try {
    await call("DELETE", "/session");
  } finally {
    leaving = true;
    location.assign("/login");
  }
}

// ---- typed helpers -----------------------------------------------------------------

export const listCalendars = () => call<{ items: Calendar[] }>("GET", "/calendars").then((l) => l.items);

export function eventPath(calendar: string, event: string, scope: Scope = "all", instance?: string | null): string {
  let path = `/calendars/${calendar}/events/${encodeURIComponent(event)}`;
  if (scope !== "all" && instance) path += `?scope=${scope}&instance=${encodeURIComponent(instance)}`;
  return path;
}

export const getEvent = (calendar: string, event: string) => call<EventItem>("GET", eventPath(calendar, event));

/** Instances of one calendar in [start, end) (at most 366 days). */
export function instancesIn(calendar: string, start: Date, end: Date, signal?: AbortSignal): Promise<EventPage> {
  const q = `start=${start.toISOString().replace(/\.\d{3}Z$/, "Z")}&end=${end.toISOString().replace(/\.\d{3}Z$/, "Z")}&expand=true`;
  return call<EventPage>("GET", `/calendars/${calendar}/events?${q}`, undefined, { signal });
}

export function search(calendar: string, words: string, signal?: AbortSignal): Promise<EventPage> {
  return call<EventPage>("GET", `/calendars/${calendar}/events?q=${encodeURIComponent(words)}`, undefined, { signal });
}

/**
 * The alarms of an event's master component, or of its override for `instance` (the
 * override's RECURRENCE-ID). The JSON gives only their number, so they are read from
 * the event's jCal (RFC 7265): VALARMs relative and absolute.
 */
export async function alarmsOf(calendar: string, event: string, instance: When | null = null): Promise<Alarm[]> {
  type JProp = [string, Record<string, string>, string, ...unknown[]];
  type JComp = [string, JProp[], JComp[]];
  const jcal = await call<JComp>("GET", eventPath(calendar, event), undefined, { accept: "application/calendar+json" });
  const want = instance ? (instance.date ?? instance.date_time ?? "").replace(/Z$/, "") : null;
  const rid = (c: JComp) => c[1].find((p) => p[0] === "recurrence-id");
  const comp = jcal[2].find((c) => {
    if (c[0] !== "vevent" && c[0] !== "vtodo") return false;
    const r = rid(c);
    if (want === null) return !r;
    return r !== undefined && String(r[3]).replace(/Z$/, "").slice(0, want.length) === want;
  });
  const out: Alarm[] = [];
  for (const a of comp?.[2] ?? []) {
    if (a[0] !== "valarm") continue;
    const prop = (n: string) => a[1].find((p) => p[0] === n);
    const action = String(prop("action")?.[3] ?? "").toLowerCase();
    if (action !== "display" && action !== "audio" && action !== "email") continue;
    const trig = prop("trigger");
    if (!trig) continue;
    const description = prop("description")?.[3];
    const trigger =
      trig[2] === "date-time"
        ? { at: String(trig[3]) }
        : { duration: String(trig[3]), ...(trig[1].related ? { related: trig[1].related.toLowerCase() as "start" | "end" } : {}) };
    out.push({ action, trigger, ...(typeof description === "string" ? { description } : {}) });
  }
  return out;
}
