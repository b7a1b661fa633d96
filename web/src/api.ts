// The REST API as the app uses it: the session cookie, its CSRF token on every change,
// problem documents turned into readable errors, 401 back to the sign-in page.

export interface Calendar {
  id: string;
  name: string;
  owner: string;
  display_name: string | null;
  color: string | null;
  order: number | null;
  visible: boolean;
  access: "owner" | "read-write" | "read";
  etag: string;
}

export interface When {
  date?: string;
  date_time?: string;
  time_zone?: string;
}

export interface Summary {
  kind: string;
  uid: string;
  summary?: string | null;
  description?: string | null;
  location?: string | null;
  start?: When | null;
  end?: When | null;
  due?: When | null;
  status?: string | null;
  recurrence?: string[];
  all_day: boolean;
}

export interface Instance {
  event_id: string;
  calendar_id: string;
  etag: string;
  start: string | null;
  end: string | null;
  recurrence_id: string | null;
  all_day: boolean;
  component: Summary;
}

export interface EventItem extends Summary {
  id: string;
  calendar_id: string;
  etag: string;
}

/** A failed request, with the server's explanation. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let csrf = "";

function signIn(): never {
  const back = location.pathname + location.hash;
  location.assign(`/login?return_to=${encodeURIComponent(back)}`);
  throw new ApiError(401, "signed out");
}

async function explain(r: Response): Promise<ApiError> {
  let text = r.statusText;
  try {
    const p = await r.json();
    const fields = Array.isArray(p.errors)
      ? p.errors.map((e: { pointer: string; detail: string }) => `${e.pointer.replace(/^\//, "")}: ${e.detail}`)
      : [];
    text = [p.detail ?? p.title ?? text, ...fields].join(" — ");
  } catch {
    // Not a problem document: the status says it.
  }
  if (r.status === 412) {
    text = "Someone changed this meanwhile (another device or tab). It has been reloaded; try again.";
  }
  return new ApiError(r.status, text);
}

/** One API call; JSON in and out. */
export async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const h: Record<string, string> = { Accept: "application/json", ...headers };
  if (method !== "GET") h["X-CSRF-Token"] = csrf;
  if (body !== undefined) h["Content-Type"] = "application/json";
  const r = await fetch(`/api/v1${path}`, {
    method,
    headers: h,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (r.status === 401) signIn();
  if (!r.ok) throw await explain(r);
  if (r.status === 204) return undefined as T;
  return (await r.json()) as T;
}

/** Who is signed in (and the CSRF token for changes). */
export async function session(): Promise<string> {
  const s = await call<{ user: string; csrf_token: string }>("GET", "/session");
  csrf = s.csrf_token;
  return s.user;
}

export async function signOut(): Promise<void> {
  await call("DELETE", "/session");
  location.assign("/login?error=signed-out");
}
