import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { httpUrl, loadStackConfig } from "../../dev/stack-config";
import { fakeGeminiKey } from "../support/keys";
import { alertText, appUrl, browserSessions, keyField, providerCard, signUp } from "./browser";

/** The accessible name and role of the focused element, e.g. "button: Save and verify". */
const focused = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element) return "";
    const label = element.id ? document.querySelector(`label[for="${element.id}"]`)?.textContent : undefined;
    // Text for screen readers only sits in a block of its own, which innerText sets on a line of its own.
    return `${element.tagName.toLowerCase()}: ${(label ?? element.innerText ?? "").replace(/\s+/g, " ").trim()}`;
  });

/** Presses Tab until `target` has the focus; the limit spans a round trip of Settings with every provider's card. */
async function tabUntil(page: Page, target: string, limit = 40): Promise<void> {
  for (let presses = 0; presses < limit; presses++) {
    if ((await focused(page)) === target) return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`"${target}" was not reached with Tab; focus is on "${await focused(page)}"`);
}

describe("web app: keyboard use and access (browser)", function () {
  this.timeout(90_000);
  const openSession = browserSessions();

  it("saves a key with the keyboard alone, with show/hide, the expiry choice, Check again and the remove dialog reachable too", async () => {
    const session = await openSession();
    const { page } = session;
    await signUp(page);
    await providerCard(page).getByText("No key saved yet").waitFor();
    assert.equal(await focused(page), "h1: Settings", "after navigation the page heading has the focus");

    const apiKey = fakeGeminiKey();
    await tabUntil(page, "input: Gemini API key");
    await page.keyboard.type(apiKey);
    await page.keyboard.press("Tab");
    // Each card's buttons say whose key they act on, for screen readers (the visible text is the same in every card).
    assert.equal(await focused(page), "button: Show key (Gemini)");
    await page.keyboard.press("Space");
    assert.equal(await keyField(page).getAttribute("type"), "text", "Show reveals the key");
    await page.keyboard.press("Enter");
    assert.equal(await keyField(page).getAttribute("type"), "password", "Hide masks it again");
    await page.keyboard.press("Tab");
    assert.equal(await focused(page), "select: Delete this key automatically (Gemini)");
    await page.keyboard.press("Tab");
    assert.equal(await focused(page), "button: Save and verify (Gemini)");
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: "was verified and saved" }).waitFor();
    assert.equal(await keyField(page).inputValue(), "");

    await page.keyboard.press("Shift+Tab");
    await tabUntil(page, "button: Check again (Gemini)");
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: "Checked with Google just now: your key works." }).waitFor();
    await tabUntil(page, "button: Remove key (Gemini)");
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Remove your Gemini key?" });
    await dialog.waitFor();
    assert.equal(await focused(page), "button: Cancel", "the dialog opens on its safe choice");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    assert.equal(await focused(page), "button: Remove key (Gemini)", "focus returns to the button that opened it");
    await page.getByText(`AQ.…${apiKey.slice(-4)}`, { exact: true }).waitFor();
  });

  it("shows signed-out visitors only the sign-in screen, and explains sign-in failures", async () => {
    const session = await openSession("/settings");
    const { page } = session;
    await page.getByRole("heading", { level: 1, name: "Sign in" }).waitFor();
    assert.equal(await page.getByRole("navigation").count(), 0, "no app navigation before sign-in");
    assert.equal(await page.getByRole("heading", { name: "Settings" }).count(), 0);

    const { email, password } = await signUp(page);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { level: 1, name: "Sign in" }).waitFor();

    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(`${password}-wrong`);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    assert.match(await alertText(page), /That email and password don't match an account\./);

    await page.getByRole("button", { name: "Create an account" }).click();
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    assert.match(await alertText(page), /An account with this email already exists\./);

    await page.getByRole("button", { name: "Sign in", exact: true }).click(); // back to the sign-in form
    await page.getByRole("heading", { level: 1, name: "Sign in" }).waitFor();
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("navigation", { name: "Main" }).waitFor();
  });

  it("serves the app with its security headers on every path", async () => {
    const response = await fetch(`${appUrl}/settings`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /<div id="root">/, "deep links get the single-page app");
    const csp = response.headers.get("content-security-policy") ?? "";
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /default-src 'self'/);
    // The emulators serve firebase.json's policy relaxed for their loopback origins (dev/emulator-firebase-config.ts).
    const connectSources = csp.split(";").find((directive) => directive.trim().startsWith("connect-src")) ?? "";
    assert.ok(connectSources.split(/\s+/).includes(httpUrl(loadStackConfig().auth)), "the Auth emulator's origin is allowed");
    assert.equal(response.headers.get("x-frame-options"), "DENY");
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    assert.ok(response.headers.get("referrer-policy"));
  });
});
