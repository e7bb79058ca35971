import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { repoRoot } from "../../dev/stack-config";

/**
 * The functions' modules import each other without a circle (type imports included): a circle makes
 * load order matter and is how a "leaf" such as logs.ts ends up knowing the domain.
 */
const sourceRoot = join(repoRoot, "functions", "src");

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? modules(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

function importsOf(file: string): string[] {
  const source = readFileSync(file, "utf8");
  const specifiers = [...source.matchAll(/\b(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)].map((match) => match[1]);
  return specifiers
    .map((specifier) => resolve(dirname(file), specifier.replace(/\.js$/, "")))
    .map((base) => [`${base}.ts`, join(base, "index.ts")].find((candidate) => existsSync(candidate)))
    .filter((target): target is string => target !== undefined && target.startsWith(sourceRoot));
}

/** One circle in `graph`, as a list of files, or undefined when there is none. */
function findCircle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (file: string): string[] | undefined => {
    if (state.get(file) === "done") return undefined;
    if (state.get(file) === "open") return [...path.slice(path.indexOf(file)), file];
    state.set(file, "open");
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const circle = visit(next);
      if (circle) return circle;
    }
    path.pop();
    state.set(file, "done");
    return undefined;
  };
  for (const file of graph.keys()) {
    const circle = visit(file);
    if (circle) return circle;
  }
  return undefined;
}

describe("the functions' module graph", () => {
  const graph = new Map(modules(sourceRoot).map((file) => [file, importsOf(file)]));

  it("has no import circle", () => {
    const circle = findCircle(graph);
    assert.equal(circle?.map((file) => relative(sourceRoot, file)).join(" -> "), undefined);
  });

  it("finds a circle when there is one (the check can fail)", () => {
    assert.deepEqual(findCircle(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]]])), ["a", "b", "c", "a"]);
  });

  it("keeps logs.ts a leaf of the domain: it imports only the shared wire types and the provider registry", () => {
    const logs = join(sourceRoot, "logs.ts");
    assert.deepEqual(graph.get(logs)?.map((file) => relative(sourceRoot, file)).sort(), ["contract.ts", "providers.ts"]);
  });
});
