// The web calendar used as a person would, in headless Chromium, each change then read
// back over CalDAV (not through the API the app itself uses). Usage:
//   node scripts/e2e.mjs http://127.0.0.1:8011 alice alice-password bob bob-password
// Exits non-zero on the first step that does not hold.
import { chromium } from "playwright-core";

const [base, user, password, other, otherPassword] = process.argv.slice(2);
if (!otherPassword) {
  console.error("usage: e2e.mjs URL USER PASSWORD OTHER-USER OTHER-PASSWORD");
  process.exit(2);
}

// ---- CalDAV, spoken directly -----------------------------------------------------

const basic = (u, p) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;

async function dav(method, path, body, { as = [user, password], depth } = {}) {
  const headers = { Authorization: basic(...as), "Content-Type": "application/xml; charset=utf-8" };
  if (depth !== undefined) headers.Depth = String(depth);
  const r = await fetch(new URL(path, base), { method, headers, body });
  return { status: r.status, text: await r.text() };
}

const xmlText = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
const unxml = (s) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#13;/g, "\r").replace(/&amp;/g, "&");

/** The iCalendar text of every object in `calendar` whose SUMMARY contains `words`. */
async function objectsWith(calendar, words, as) {
  const body = `<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:prop-filter name="SUMMARY"><C:text-match collation="i;unicode-casemap">${xmlText(words)}</C:text-match></C:prop-filter>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>`;
  const r = await dav("REPORT", calendar, body, { as, depth: 1 });
  if (r.status !== 207) throw new Error(`REPORT ${calendar}: ${r.status} ${r.text.slice(0, 300)}`);
  return [...r.text.matchAll(/<C:calendar-data[^>]*>([\s\S]*?)<\/C:calendar-data>/g)].map((m) => unxml(m[1]).replace(/\r\n[ \t]/g, ""));
}

/** The value of `name` (parameters dropped) in the first VEVENT or VTODO of `ics`. */
function prop(ics, name) {
  const from = ics.search(/^BEGIN:(VEVENT|VTODO)/m);
  const m = new RegExp(`^${name}(;[^:\\r\\n]*)?:(.*)$`, "m").exec(ics.slice(Math.max(from, 0)));
  return m ? m[2].trim() : null;
}

let step = 0;
function ok(condition, what) {
  step += 1;
  if (!condition) {
    console.error(`FAIL ${step}: ${what}`);
    process.exitCode = 1;
    throw new Error(what);
  }
  console.log(`ok ${step}: ${what}`);
}

async function until(what, f, ms = 8000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// ---- the person -------------------------------------------------------------------

const zone = "Europe/Berlin";
const pad = (n) => String(n).padStart(2, "0");
/** Today's date in the zone the browser is in (YYYY-MM-DD) and as iCalendar. */
const today = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
const compact = today.replace(/-/g, "");

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, timezoneId: zone, locale: "en-GB" });
const page = await context.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(e.message));

try {
  // Where alice's first calendar lives over CalDAV (her own PROPFIND, not the API).
  const home = await dav("PROPFIND", `/dav/calendars/${user}/`, undefined, { depth: 1 });
  const calendar = [...home.text.matchAll(/<D:href>([^<]+)<\/D:href>/g)].map((m) => m[1]).find((h) => h !== `/dav/calendars/${user}/`);
  ok(home.status === 207 && calendar, `alice's calendar over CalDAV: ${calendar}`);

  // 1. Sign in through the server's page.
  await page.goto(new URL("/", base).href);
  await page.fill("#user", user);
  await page.fill("#password", password);
  await page.click("button[type=submit]");
  await page.waitForSelector(".fc-event", { timeout: 15000 });
  ok(new URL(page.url()).pathname === "/", "signed in: the calendar shows events");

  // 2. Create an event with the keyboard shortcut and the dialog.
  await page.keyboard.press("w");
  await page.keyboard.press("n");
  await page.waitForSelector("#editor[open]");
  await page.fill("#ed-title", "E2E lunch");
  await page.fill("#ed-sdate", today);
  await page.fill("#ed-stime", "12:00");
  await page.fill("#ed-etime", "13:00");
  await page.click("#ed-save");
  await page.waitForSelector("#editor", { state: "hidden" });
  const lunch = page.locator(".fc-timegrid-event", { hasText: "E2E lunch" });
  await lunch.waitFor();
  let [ics] = await until("the new event over CalDAV", () => objectsWith(calendar, "E2E lunch").then((l) => l.length && l));
  ok(prop(ics, "DTSTART") === `${compact}T120000` && /DTSTART;TZID=Europe\/Berlin:/.test(ics), `created: DTSTART ${prop(ics, "DTSTART")} in ${zone} over CalDAV`);

  // 3. Drag it two hours later in the week view.
  const slot = await page.locator(".fc-timegrid-slot-lane").first().boundingBox();
  const box = await lunch.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + 8);
  await page.mouse.down();
  await page.waitForTimeout(100);
  await page.mouse.move(box.x + box.width / 2, box.y + 8 + slot.height * 2, { steps: 8 });
  await page.mouse.move(box.x + box.width / 2, box.y + 8 + slot.height * 4, { steps: 8 });
  await page.mouse.up();
  ics = await until("the moved event over CalDAV", async () => {
    const [t] = await objectsWith(calendar, "E2E lunch");
    return t && prop(t, "DTSTART") !== `${compact}T120000` && t;
  });
  ok(prop(ics, "DTSTART") === `${compact}T140000` && prop(ics, "DTEND") === `${compact}T150000`, `dragged: now ${prop(ics, "DTSTART")}–${prop(ics, "DTEND")} over CalDAV`);

  // 4. Edit one instance of the repeating "Standup": only today's changes.
  await page.locator(".fc-day-today .fc-timegrid-event", { hasText: "Standup" }).first().click();
  await page.waitForSelector("#editor[open]");
  await page.fill("#ed-title", "Standup in room 4");
  await page.click("#ed-save");
  await page.getByRole("button", { name: "This event", exact: true }).click();
  await page.waitForSelector("#editor", { state: "hidden" });
  ics = await until("the override over CalDAV", async () => {
    const [t] = await objectsWith(calendar, "Standup");
    return t && t.includes("Standup in room 4") && t;
  });
  const events = ics.split("BEGIN:VEVENT").slice(1);
  const master = events.find((v) => !v.includes("RECURRENCE-ID"));
  const override = events.find((v) => v.includes("RECURRENCE-ID"));
  ok(events.length === 2 && /RRULE:/.test(master) && /^SUMMARY:Standup\r?$/m.test(master) &&
     /^SUMMARY:Standup in room 4\r?$/m.test(override) && new RegExp(`RECURRENCE-ID;TZID=Europe/Berlin:${compact}T090000`).test(override),
     "one instance edited: the series keeps its title; today's override (RECURRENCE-ID) has the new one");
  await page.locator(".fc-timegrid-event", { hasText: "Standup in room 4" }).waitFor();

  // 5. A change made by another CalDAV client shows up without a reload.
  const uid = `e2e-live-${Date.now()}@kairos.test`;
  const put = await fetch(new URL(`${calendar}${uid}.ics`, base), {
    method: "PUT",
    headers: { Authorization: basic(user, password), "Content-Type": "text/calendar", "If-None-Match": "*" },
    body: ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//e2e//EN", "BEGIN:VEVENT", `UID:${uid}`, "DTSTAMP:20260101T000000Z",
           `DTSTART;TZID=Europe/Berlin:${compact}T160000`, `DTEND;TZID=Europe/Berlin:${compact}T170000`, "SUMMARY:From another client",
           "END:VEVENT", "END:VCALENDAR", ""].join("\r\n"),
  });
  ok(put.status === 201, `PUT by another CalDAV client: ${put.status}`);
  await page.locator(".fc-timegrid-event", { hasText: "From another client" }).waitFor({ timeout: 10000 });
  ok(true, "the other client's event appeared without a reload (server-sent events)");

  // 6. Share the calendar with bob, read-write, from the settings page.
  await page.keyboard.press(",");
  await page.waitForSelector("#settings-page:not([hidden]) details.st-cal");
  await page.locator("details.st-cal summary").first().click();
  await page.getByRole("button", { name: "Share…" }).first().click();
  const dialog = page.locator("dialog.st-dialog[open]");
  await dialog.getByLabel("User name").fill(other);
  await dialog.getByLabel("Access").selectOption("read-write");
  await dialog.getByRole("button", { name: "Share", exact: true }).click();
  await dialog.locator(".st-shares li", { hasText: other }).waitFor();
  const seen = await until("bob sees the share over CalDAV", async () => {
    const r = await dav("PROPFIND", `/dav/calendars/${user}/`, `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:current-user-privilege-set/></D:prop></D:propfind>`, { as: [other, otherPassword], depth: 1 });
    return r.status === 207 && r.text.includes(calendar) && r.text.includes("<D:write-content/>") && r;
  });
  ok(seen, `shared: ${other} finds ${calendar} over CalDAV with the write-content privilege`);
  await dialog.getByRole("button", { name: "Close" }).first().click();

  // 7. Create an app password; the secret is shown once and works for CalDAV.
  await page.locator("form", { has: page.locator("#st-h-new-token") }).getByLabel("Name", { exact: true }).fill("E2E phone");
  await page.locator("form", { has: page.locator("#st-h-new-token") }).getByRole("button", { name: "Create", exact: true }).click();
  const secretInput = page.locator(".st-secret input");
  await secretInput.waitFor();
  const secret = await secretInput.inputValue();
  ok(secret.length >= 20, "app password created and shown once");
  const withSecret = await dav("PROPFIND", calendar, undefined, { as: [user, secret], depth: 0 });
  const withWrong = await dav("PROPFIND", calendar, undefined, { as: [user, `${secret}x`], depth: 0 });
  ok(withSecret.status === 207 && withWrong.status === 401, `the app password signs in over CalDAV (${withSecret.status}); a wrong one does not (${withWrong.status})`);

  ok(errors.length === 0, `no script errors in the page${errors.length ? `: ${errors.join("; ")}` : ""}`);
} catch (e) {
  if (!process.exitCode) {
    console.error(`FAIL after step ${step}: ${e.message}`);
    process.exitCode = 1;
  }
  await page.screenshot({ path: process.env.E2E_FAILURE_SHOT ?? "e2e-failure.png" }).catch(() => undefined);
} finally {
  await browser.close();
}
