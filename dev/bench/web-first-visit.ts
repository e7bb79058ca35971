import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { repoRoot } from "../stack-config";

/**
 * The JavaScript a first visit downloads, gzipped: a production build of the web app (what `firebase
 * deploy` serves), opened by Chromium with an empty profile, as a signed-out visitor, until the sign-in
 * form shows. Every script the page fetched on the way is counted, lazy chunks included, each gzipped at
 * level 9 as the build's own report does. Without Chromium, the count falls back to what index.html
 * names (the entry and its static imports), and says so.
 */

const chromiumPath = "/usr/bin/chromium";

export interface FirstVisit {
  gzipBytes: number;
  files: string[];
  /** "browser" when Chromium loaded the page; "static" when only index.html was read. */
  method: "browser" | "static";
}

export async function measureFirstVisit(): Promise<FirstVisit> {
  const outDir = mkdtempSync(join(tmpdir(), "interview-ai-bench-web-"));
  try {
    buildProduction(outDir);
    return existsSync(chromiumPath) ? await loadInBrowser(outDir) : fromIndexHtml(outDir);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** A production build of the web app, as the deploy makes it, into `outDir`. */
export function buildProduction(outDir: string): void {
  const vite = join(repoRoot, "node_modules", "vite", "bin", "vite.js");
  const result = spawnSync(process.execPath, [vite, "build", "--mode", "production", "--outDir", outDir, "--emptyOutDir", "--logLevel", "error"], {
    cwd: join(repoRoot, "web"),
    encoding: "utf8",
    // A site key, as a real deploy has one, so the build does not warn; the visit never reaches reCAPTCHA.
    env: { ...process.env, VITE_RECAPTCHA_ENTERPRISE_SITE_KEY: "bench-site-key" },
  });
  if (result.status !== 0) throw new Error(`Web build failed: ${result.stderr}`);
}

const gzipSize = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;

/** The scripts index.html names (the entry and its static imports), gzipped: the first visit without a browser. */
export function fromIndexHtml(outDir: string): FirstVisit {
  const html = readFileSync(join(outDir, "index.html"), "utf8");
  const files = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((match) => match[1]);
  return { gzipBytes: files.reduce((sum, file) => sum + gzipSize(join(outDir, file)), 0), files, method: "static" };
}

async function loadInBrowser(outDir: string): Promise<FirstVisit> {
  // Hosting's reserved config URL, for a made-up production project: nothing on the page calls Google
  // before sign-in, and the browser is kept off the network anyway.
  const firebaseConfig = { projectId: "bench-interview-ai", apiKey: "bench-api-key", appId: "1:1:web:1", authDomain: "bench-interview-ai.firebaseapp.com" };
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://bench").pathname;
    if (path === "/__/firebase/init.json") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(firebaseConfig));
      return;
    }
    const file = join(outDir, normalize(path).replace(/^(\.\.[/\\])+/, ""));
    const served = existsSync(file) && extname(file) ? file : join(outDir, "index.html");
    const type = { ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml" }[extname(served)] ?? "text/html";
    response.writeHead(200, { "content-type": type }).end(readFileSync(served));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const profileDir = mkdtempSync(join(tmpdir(), "interview-ai-bench-chromium-"));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.route((url) => !url.href.startsWith(origin), (route) => route.abort());
    const scripts = new Set<string>();
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.origin === origin && url.pathname.endsWith(".js")) scripts.add(url.pathname);
    });
    await page.goto(`${origin}/`);
    await page.getByRole("heading", { level: 1, name: "Sign in" }).waitFor({ timeout: 30_000 });
    // Whatever the page asked for on its way to the form has been requested by now; let it settle.
    await page.waitForLoadState("networkidle");
    const files = [...scripts].sort();
    return { gzipBytes: files.reduce((sum, file) => sum + gzipSize(join(outDir, file)), 0), files, method: "browser" };
  } finally {
    await context.close();
    rmSync(profileDir, { recursive: true, force: true });
    await new Promise((resolve) => server.close(resolve));
  }
}
