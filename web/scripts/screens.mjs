// Signs in through the real sign-in page, opens each view at desktop and phone width,
// saves screenshots and runs axe-core on each. Usage:
//   node scripts/screens.mjs http://127.0.0.1:8011 alice alice-password ../docs/screenshots
import { chromium } from "playwright-core";
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";

const [base, user, password, out = "screens"] = process.argv.slice(2);
const axe = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
let serious = 0;
for (const [label, viewport] of [["desktop", { width: 1400, height: 900 }], ["phone", { width: 390, height: 844 }]]) {
  for (const scheme of ["light", "dark"]) {
    // bypassCSP only lets the test inject axe-core; the app itself runs under its CSP.
    const page = await browser.newPage({ viewport, colorScheme: scheme, bypassCSP: true });
    page.on("pageerror", (e) => console.error("page error:", e.message));
    await page.goto(`${base}/`);
    await page.fill("#user", user);
    await page.fill("#password", password);
    const started = Date.now();
    await page.click("button[type=submit]");
    await page.waitForSelector(".fc-event, .fc-list-event, .fc-list-empty", { timeout: 15000 });
    console.log(`${label}/${scheme}: first view with events ${Date.now() - started} ms after sign-in`);
    const check = async (name) => {
      await page.screenshot({ path: `${out}/${name}-${label}${scheme === "dark" ? "-dark" : ""}.png` });
      await page.addScriptTag({ content: axe });
      const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
      for (const v of result.violations) {
        const bad = v.impact === "serious" || v.impact === "critical";
        if (bad) serious += 1;
        console.log(`  axe ${name}/${label}/${scheme}: ${v.impact} ${v.id} (${v.nodes.length}) ${v.help}`);
      }
    };
    for (const [view, key] of [["month", "m"], ["week", "w"], ["day", "d"], ["agenda", "a"]]) {
      if (scheme === "dark" && view !== "month" && view !== "week") continue;
      await page.keyboard.press(key);
      await page.waitForTimeout(400);
      await check(view);
    }
    // The edit dialog on an instance of the repeating event, then a new event's.
    await page.keyboard.press("w");
    await page.locator(".fc-timegrid-event", { hasText: "Standup" }).first().click();
    await page.waitForSelector("#editor[open]");
    await page.waitForTimeout(300);
    await check("editor");
    await page.keyboard.press("Escape");
    await page.waitForSelector("#editor", { state: "hidden" });
    // The shortcut is ignored while focus is in a field or an open dialog (main.ts): wait
    // for the app's own condition, then for the dialog the key opens, so a failure says
    // which of the two did not happen.
    await page.waitForFunction(
      () => !document.activeElement?.closest("input, textarea, select, dialog[open], [contenteditable]"),
    );
    await page.keyboard.press("/");
    await page.waitForSelector("#search[open]", { timeout: 5000 });
    await page.fill("#search-q", "Meeting 12");
    await page.waitForSelector("#search-results li");
    await check("search");
    await page.keyboard.press("Escape");
    await page.waitForSelector("#search", { state: "hidden" });
    await page.waitForFunction(() => !document.activeElement?.closest("dialog"));
    await page.keyboard.press(",");
    await page.waitForSelector("#settings-page:not([hidden]) details.st-cal");
    await page.locator("details.st-cal summary").first().click();
    await page.waitForTimeout(300);
    await check("settings");
    await page.close();
  }
}
await browser.close();
console.log(`serious or critical accessibility violations: ${serious}`);
process.exit(serious > 0 ? 1 : 0);
