import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import react from "@vitejs/plugin-react";
import { defineConfig, loadEnv, type Plugin } from "vite";
import { moveStaticAssignmentsIntoClasses } from "./build/static-class-fields";

interface EmulatorAddress {
  host: string;
  port: number;
}

/**
 * firebase.json is the one place that says where each emulator listens; the client gets those
 * addresses at build time and uses them only for `demo-` projects (see src/lib/firebase.ts).
 */
const { emulators } = JSON.parse(readFileSync(new URL("../firebase.json", import.meta.url), "utf8")) as {
  emulators: Record<"auth" | "functions" | "hosting" | "firestore", EmulatorAddress>;
};

/**
 * Prints the gzipped size of the JavaScript a first visit downloads: the entry chunk and
 * everything it imports statically. Lazy chunks (settings, interview) are not counted.
 */
function reportInitialJs(): Plugin {
  let summary = "";
  return {
    name: "report-initial-js",
    apply: "build",
    generateBundle(_options, bundle) {
      const entry = Object.values(bundle).find((file) => file.type === "chunk" && file.isEntry);
      if (!entry || entry.type !== "chunk") return;
      const initial = new Set<string>();
      const visit = (fileName: string) => {
        const chunk = bundle[fileName];
        if (initial.has(fileName) || !chunk || chunk.type !== "chunk") return;
        initial.add(fileName);
        chunk.imports.forEach(visit);
      };
      visit(entry.fileName);
      let raw = 0;
      let gzip = 0;
      for (const fileName of initial) {
        const code = (bundle[fileName] as { code: string }).code;
        raw += Buffer.byteLength(code);
        gzip += gzipSync(code, { level: 9 }).length;
      }
      const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
      summary = `Initial JS: ${initial.size} file(s), ${kB(raw)}, ${kB(gzip)} gzipped (entry + static imports)`;
    },
    closeBundle() {
      if (summary) console.log(`\n${summary}\n`);
    },
  };
}

/**
 * Lets the bundler drop the Firebase SDK's unused classes whose static members are assigned after the
 * class (build/static-class-fields.ts): 1.8 kB gzipped off the sign-in screen. Builds only; `vite dev`
 * serves the SDK as published.
 */
function firebaseStaticClassFields(): Plugin {
  return {
    name: "firebase-static-class-fields",
    apply: "build",
    transform: {
      filter: { id: /[\\/]node_modules[\\/]@firebase[\\/][^\\/]+[\\/]dist[\\/]esm[\\/][^\\/]+\.js$/ },
      handler(code) {
        const rewritten = moveStaticAssignmentsIntoClasses(code);
        return rewritten === code ? null : { code: rewritten, map: null };
      },
    },
  };
}

/**
 * Builds for the emulators: `vite build --mode emulators` (what npm start and npm test run) and `vite dev`.
 * Only these contain the emulator's App Check token maker (src/lib/emulator-app-check.ts); every other
 * build, the deploy's among them, leaves it out.
 */
const emulatorModes = new Set(["emulators", "development"]);

export default defineConfig(({ command, mode }) => {
  const forEmulators = emulatorModes.has(mode);
  if (command === "build" && !forEmulators && !loadEnv(mode, fileURLToPath(new URL(".", import.meta.url)), "VITE_").VITE_RECAPTCHA_ENTERPRISE_SITE_KEY) {
    console.warn(
      "\nWarning: no VITE_RECAPTCHA_ENTERPRISE_SITE_KEY for this build, so the app will send no App Check tokens and the " +
        "functions will refuse its calls while ENFORCE_APP_CHECK is on. See README, Deploying.\n",
    );
  }
  return {
    plugins: [react(), firebaseStaticClassFields(), reportInitialJs()],
    define: {
      __FIREBASE_EMULATORS__: JSON.stringify(
        forEmulators
          ? { authUrl: `http://${emulators.auth.host}:${emulators.auth.port}`, functions: emulators.functions, firestore: emulators.firestore }
          : null,
      ),
      __EMULATOR_APP_CHECK__: JSON.stringify(forEmulators),
    },
    server: {
      // `vite dev` gets /__/firebase/init.json from the Hosting emulator, as the built app does.
      proxy: { "/__": `http://${emulators.hosting.host}:${emulators.hosting.port}` },
    },
    // No modulepreload polyfill: every browser that runs es2022 either supports modulepreload or, without
    // the polyfill, simply loads the lazy chunks' imports when it runs them (0.2 kB gzipped off every first visit).
    build: { target: "es2022", modulePreload: { polyfill: false } },
  };
});
