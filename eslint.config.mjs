// @ts-check
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

/**
 * One lint over every folder, with type information: each file is checked against the tsconfig that
 * builds it (functions/, web/, and the root one for dev/ and test/), found by the project service.
 */
export default defineConfig(
  globalIgnores(["**/node_modules/", "functions/lib/", "web/dist/", "test-output/", ".emulator-data/"]),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          // vite.config.ts has its own tsconfig (tsconfig.node.json), which the nearest tsconfig.json does not name.
          allowDefaultProject: ["web/vite.config.ts"],
          defaultProject: "web/tsconfig.node.json",
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  {
    files: ["dev/**/*.ts", "test/**/*.ts"],
    rules: {
      // The local KMS's RPC methods and the tests' fakes are async without awaiting anything: they stand in
      // for async interfaces, and being async turns a throw into the rejection their callers expect.
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    // These tests assert field by field on the raw JSON a stand-in answers (Google's, OpenAI's or Anthropic's
    // wire format, parsed as any) and on GenkitError's untyped `detail`; a wrong guess fails its assertion.
    // Typing every wire shape here would restate the API inside its own conformance test.
    files: ["test/integration/gemini-stand-in.test.ts", "test/integration/openai-stand-in.test.ts", "test/integration/anthropic-stand-in.test.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    files: ["web/src/**/*.{ts,tsx}"],
    extends: [reactHooks.configs.flat.recommended],
  },
  {
    // This file is plain JavaScript outside every tsconfig.
    files: ["**/*.{js,mjs,cjs}"],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
