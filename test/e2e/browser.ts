import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { chromium, type Page } from "playwright-core";
import { httpUrl, loadStackConfig, repoRoot } from "../../dev/stack-config";
import { providerInfo, type Provider } from "../../functions/src/providers";

/**
 * The browser side of the e2e tests: Debian's Chromium (never a downloaded browser) with a fresh
 * profile per test, pointed at the app as the Hosting emulator serves it.
 */

/**
 * How long to wait for an AI call's answer in the page (and for a callable's first answer of the run).
 * Each callable's first call starts a cold Functions emulator worker, which for the AI callables loads the
 * AI stack: a few seconds on an idle machine, tens of seconds on a busy one, where the page's default 20 s
 * is not enough.
 */
export const aiAnswerTimeoutMs = 60_000;

export const appUrl = httpUrl(loadStackConfig().hosting);
const functionsUrl = httpUrl(loadStackConfig().functions);
const chromiumPath = "/usr/bin/chromium";
const screenshotDir = join(repoRoot, "test-output", "screenshots");

export interface AppSession {
  page: Page;
  /** Every console message, uncaught error and request URL so far: where a key must never appear. */
  readonly consoleOutput: string[];
  readonly requestUrls: string[];
  /** Every call the page made to a callable, in order, with the App Check token it carried. */
  readonly callableRequests: CallableRequestRecord[];
  close(): Promise<void>;
}

export interface CallableRequestRecord {
  callable: string;
  /** The `X-Firebase-AppCheck` header; undefined when the call carried none. */
  appCheckToken?: string;
}

/** Opens the app at `path` in a new Chromium with an empty profile. */
async function openApp(path = "/"): Promise<AppSession> {
  const profileDir = mkdtempSync(join(tmpdir(), "interview-ai-chromium-"));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
    viewport: { width: 1200, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  const consoleOutput: string[] = [];
  const requestUrls: string[] = [];
  page.on("console", (message) => consoleOutput.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => consoleOutput.push(`pageerror: ${error.stack ?? error.message}`));
  const callableRequests: CallableRequestRecord[] = [];
  page.on("request", (request) => {
    requestUrls.push(request.url());
    if (request.method() === "POST" && request.url().startsWith(`${functionsUrl}/`)) {
      const callable = new URL(request.url()).pathname.split("/").pop() ?? "";
      callableRequests.push({ callable, appCheckToken: request.headers()["x-firebase-appcheck"] });
    }
  });
  await page.goto(`${appUrl}${path}`);
  return {
    page,
    consoleOutput,
    requestUrls,
    callableRequests,
    async close() {
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/**
 * For a describe block: returns an `openApp` whose sessions are closed after each test, so no browser
 * outlives the test that opened it.
 */
export function browserSessions(): (path?: string) => Promise<AppSession> {
  const open: AppSession[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((session) => session.close()));
  });
  return async (path) => {
    const session = await openApp(path);
    open.push(session);
    return session;
  };
}

/** Creates a new account through the sign-up form; the app then opens Settings. */
export async function signUp(page: Page): Promise<{ email: string; password: string }> {
  const account = { email: `e2e-${randomUUID()}@example.test`, password: `pw-${randomUUID()}` };
  await page.getByRole("button", { name: "Create an account" }).click();
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
  return account;
}

/** One provider's card on Settings ("Your Gemini API key"), which holds everything about that key. */
export const providerCard = (page: Page, provider: Provider = "googleai") =>
  page.getByRole("region", { name: `Your ${providerInfo[provider].label} API key`, exact: true });

/** A provider's key field on Settings (a password input, which has no ARIA role of its own). */
export const keyField = (page: Page, provider: Provider = "googleai") => {
  const { label } = providerInfo[provider];
  return page.getByLabel(new RegExp(`^(${label} API key|Replace with a new ${label} key)$`));
};

/**
 * Opens `provider`'s compact row ("Add an OpenRouter key") into its full card, when it shows as one (a
 * provider without a key); a card already open is left as it is.
 */
export async function openProviderCard(page: Page, provider: Provider = "googleai"): Promise<void> {
  const { label } = providerInfo[provider];
  const card = providerCard(page, provider);
  const add = page.getByRole("button", { name: new RegExp(`^Add an? ${label} key$`) });
  // While the statuses load every card shows in full; only then is it known which are rows. The run's
  // first apiKeyStatus may start a cold emulator worker, so this waits as long as for an AI answer.
  await page.getByText(`Checking your ${label} key…`).waitFor({ state: "hidden", timeout: aiAnswerTimeoutMs });
  await Promise.race([card.waitFor(), add.waitFor()]);
  if (await add.isVisible()) await add.click();
  await card.waitFor();
}

/** Saves `apiKey` as `provider`'s key on the Settings page and waits for the confirmation. */
export async function saveKey(page: Page, apiKey: string, provider: Provider = "googleai"): Promise<void> {
  await openProviderCard(page, provider);
  const card = providerCard(page, provider);
  await keyField(page, provider).fill(apiKey);
  await card.getByRole("button", { name: "Save and verify" }).click();
  // The run's first setApiKey may start a cold emulator worker, as an AI call's does.
  await card.getByRole("status").filter({ hasText: "was verified and saved" }).waitFor({ timeout: aiAnswerTimeoutMs });
}

/** Goes to Practice and asks for questions; resolves once the request has been sent. */
export async function generateQuestions(page: Page, { jobTitle = "Frontend engineer", count = 3 } = {}): Promise<void> {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Practice" }).click();
  await page.getByRole("heading", { level: 1, name: "Practice" }).waitFor();
  await page.getByLabel("Job title").fill(jobTitle);
  await page.getByLabel("Number of questions").selectOption(String(count));
  // The line saying whose key pays appears once the page has read the user's keys (apiKeyStatus, asked
  // each time Practice is shown) and moves the button down. A click that lands as it appears presses the
  // button and releases over that line: the browser clicks neither, and nothing is sent. The first
  // apiKeyStatus of the run may start a cold emulator worker, hence the AI answer's timeout.
  await page.getByText(/will pay for this practice|haven't added an API key of your own/).waitFor({ timeout: aiAnswerTimeoutMs });
  await page.getByRole("button", { name: "Generate questions" }).click();
}

/** The alert the app shows for a failure, once it has text. */
export async function alertText(page: Page): Promise<string> {
  const alert = page.getByRole("alert").filter({ hasText: /\S/ });
  await alert.waitFor();
  return alert.innerText();
}

/**
 * Everything the page keeps where a key must never be: the DOM (markup, text and the values of
 * form fields), localStorage, sessionStorage and every IndexedDB database, as one string.
 */
export async function pageAndStorageContents(page: Page): Promise<string> {
  // No named helpers inside: tsx would wrap them in a `__name` call that does not exist in the page.
  return page.evaluate(async () => {
    const fieldValues = [...document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input, textarea")].map(
      (field) => field.value,
    );
    const databases: unknown[] = [];
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error ?? new Error(`IndexedDB could not open ${name}`));
      });
      for (const storeName of db.objectStoreNames) {
        const records = await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(storeName, "readonly").objectStore(storeName).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error ?? new Error(`IndexedDB could not read ${storeName}`));
        });
        databases.push({ name, storeName, records });
      }
      db.close();
    }
    return JSON.stringify({
      html: document.documentElement.outerHTML,
      text: document.body.innerText,
      fieldValues,
      localStorage: Object.entries({ ...localStorage }),
      sessionStorage: Object.entries({ ...sessionStorage }),
      databases,
    });
  });
}

/** Saves a full-page screenshot as test-output/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

/** Console lines that report a Content-Security-Policy violation: the policy blocked something the app needs. */
export const cspViolations = (consoleOutput: readonly string[]) =>
  consoleOutput.filter((line) => /Content Security Policy/i.test(line));
