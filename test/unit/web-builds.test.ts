import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../dev/stack-config";

/** What only the emulator App Check token maker (web/src/lib/emulator-app-check.ts) puts into a bundle. */
const tokenMaker = /emulator-web-app-|alg:"none"/;

function bundleText(dir: string): string {
  const assets = join(dir, "assets");
  return readdirSync(assets)
    .filter((file) => file.endsWith(".js"))
    .map((file) => readFileSync(join(assets, file), "utf8"))
    .join("\n");
}

/** Builds the web app in `mode` into a temporary folder and returns the text of its JavaScript. */
function buildWeb(mode: "production" | "emulators"): string {
  const outDir = mkdtempSync(join(tmpdir(), `interview-ai-web-${mode}-`));
  try {
    const vite = join(repoRoot, "node_modules", "vite", "bin", "vite.js");
    const result = spawnSync(process.execPath, [vite, "build", "--mode", mode, "--outDir", outDir, "--emptyOutDir", "--logLevel", "error"], {
      cwd: join(repoRoot, "web"),
      encoding: "utf8",
    });
    assert.equal(result.status, 0, result.stderr);
    return bundleText(outDir);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/**
 * A production build must hold no way to make App Check tokens: the emulator's token maker is compiled
 * only into builds for the emulators. Checked on real builds: production (what predeploy makes) and, as
 * the control that the pattern finds it, the emulators' (what npm start and npm test serve).
 */
describe("web builds", function () {
  this.timeout(60_000);

  it("compile the emulator App Check token maker into the emulators' build only, never into a production build", () => {
    assert.match(buildWeb("emulators"), tokenMaker);
    assert.doesNotMatch(buildWeb("production"), tokenMaker);
  });
});
