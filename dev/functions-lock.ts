/**
 * The deployed functions install exactly the dependency tree the tests ran with.
 *
 * `firebase deploy` uploads functions/ alone, and Cloud Build installs it on its own: with `npm ci` from
 * functions/package-lock.json when there is one, else `npm install` from the package.json ranges (which
 * resolves whatever is newest that day). The tests run with the workspace's root package-lock.json. This
 * module derives functions/package-lock.json from the root lock — the same package, version and integrity
 * wherever the functions' code (or any package it loads) requires a dependency — and compares the two
 * trees independently, for the drift test (test/unit/functions-lockfile.test.ts).
 *
 * Paths in a lock's `packages` are install locations ("node_modules/a/node_modules/b"); a dependency is
 * found as Node finds it: in the requiring package's own node_modules, then each parent's, up to the root.
 */

/** One entry of a v3 lockfile's `packages`. */
export interface LockEntry {
  name?: string;
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
  [field: string]: unknown;
}

export interface Lockfile {
  name?: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
}

/** Where the functions workspace sits in the root lock. */
export const functionsWorkspace = "functions";

interface Edge {
  name: string;
  kind: "prod" | "optional" | "peer" | "optionalPeer" | "dev";
}

/** What a package requires; `withDev` for a project root (its devDependencies are installed too). */
function edgesOf(entry: LockEntry, withDev: boolean): Edge[] {
  const edges = new Map<string, Edge>();
  for (const name of Object.keys(entry.dependencies ?? {})) edges.set(name, { name, kind: "prod" });
  for (const name of Object.keys(entry.optionalDependencies ?? {})) edges.set(name, { name, kind: "optional" });
  for (const name of Object.keys(entry.peerDependencies ?? {})) {
    if (!edges.has(name)) edges.set(name, { name, kind: entry.peerDependenciesMeta?.[name]?.optional ? "optionalPeer" : "peer" });
  }
  if (withDev) for (const name of Object.keys(entry.devDependencies ?? {})) if (!edges.has(name)) edges.set(name, { name, kind: "dev" });
  return [...edges.values()];
}

/** The location whose node_modules a package at `location` looks in next ("" is the project root). */
function parentOf(location: string): string {
  const nested = location.lastIndexOf("/node_modules/");
  if (nested !== -1) return location.slice(0, nested);
  return "";
}

function childLocation(location: string, name: string): string {
  return location === "" ? `node_modules/${name}` : `${location}/node_modules/${name}`;
}

/** Where `name`, required by the package at `from`, is found (Node's lookup), or undefined. */
export function resolveIn(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  for (let base = from; ; base = parentOf(base)) {
    const candidate = childLocation(base, name);
    if (packages[candidate]) return candidate;
    if (base === "") return undefined;
  }
}

/** Same package: same version from the same bytes. */
function samePackage(a: LockEntry | undefined, b: LockEntry | undefined): boolean {
  return !!a && !!b && a.version === b.version && a.integrity === b.integrity && a.resolved === b.resolved;
}

/** A project root is its own package.json; any other entry is installed (not a link, not a workspace folder). */
function rootEntryOf(lock: Lockfile, root: string): LockEntry {
  const entry = lock.packages[root];
  if (!entry) throw new Error(`no "${root}" in the lockfile`);
  return entry;
}

/**
 * functions/package-lock.json for the functions tree the root lock installs: every package the functions
 * (and their devDependencies, for the build) load, at the version and integrity the root lock has there.
 * Packages keep their place where they can; where the root lock's hoisting would not resolve the same
 * way in a functions-only tree (functions/node_modules/zod shadows the root's zod for the functions), a
 * package is nested under the one that requires it. Throws if the root lock lacks a dependency.
 */
export function deriveFunctionsLock(rootLock: Lockfile, functionsPackageJson: LockEntry & { name: string }): Lockfile {
  const rootPackages = rootLock.packages;
  const workspace = rootEntryOf(rootLock, functionsWorkspace);

  // Install location in the functions-only tree -> location of the same package in the root lock.
  const placed = new Map<string, string>([["", functionsWorkspace]]);
  const withoutWorkspacePrefix = (location: string) =>
    location.startsWith(`${functionsWorkspace}/`) ? location.slice(functionsWorkspace.length + 1) : location;

  // Start from the root lock's layout, the functions' own nested packages winning their place at the top.
  const reached = reachableFrom(rootPackages, functionsWorkspace);
  for (const location of [...reached].sort((a, b) => Number(b.startsWith(`${functionsWorkspace}/`)) - Number(a.startsWith(`${functionsWorkspace}/`)))) {
    if (location === functionsWorkspace) continue;
    const target = withoutWorkspacePrefix(location);
    if (!placed.has(target)) placed.set(target, location);
  }

  // Then nest a package wherever the functions-only layout would resolve a dependency to another one.
  const packagesView = () => Object.fromEntries([...placed].map(([location, tested]) => [location, rootPackages[tested]]));
  for (let changed = true; changed; ) {
    changed = false;
    const view = packagesView();
    for (const [location, tested] of [...placed]) {
      const entry = location === "" ? workspace : rootPackages[tested];
      for (const edge of edgesOf(entry, location === "")) {
        const expected = resolveIn(rootPackages, tested, edge.name);
        if (expected === undefined) {
          if (edge.kind === "prod" || edge.kind === "peer" || edge.kind === "dev") throw new Error(`${tested || "root"} requires ${edge.name}, which the root lock does not install`);
          continue;
        }
        if (edge.kind === "optionalPeer" && !reached.has(expected)) continue;
        const actual = resolveIn(view, location, edge.name);
        if (actual !== undefined && samePackage(view[actual], rootPackages[expected])) continue;
        placed.set(childLocation(location, edge.name), expected);
        changed = true;
      }
      if (changed) break;
    }
  }

  // Drop what nothing in the functions-only tree resolves to any more.
  const view = packagesView();
  view[""] = workspace;
  const used = reachableFrom(view, "");
  const packages: Record<string, LockEntry> = {
    "": { name: functionsPackageJson.name, ...rootPackageFieldsOf(functionsPackageJson) },
  };
  for (const location of [...used].filter((location) => location !== "").sort(compareLocations)) {
    packages[location] = packageFieldsOf(rootPackages[placed.get(location)!]);
  }
  setDependencyFlags(packages);
  return { name: functionsPackageJson.name, lockfileVersion: 3, requires: true, packages };
}

/** npm orders a lock's packages with `localeCompare(…, "en")`. */
function compareLocations(a: string, b: string): number {
  return a.localeCompare(b, "en");
}

/** Every location the package at `from` needs, following required and optional edges (not optional peers). */
function reachableFrom(packages: Record<string, LockEntry>, from: string): Set<string> {
  const seen = new Set([from]);
  const queue = [from];
  for (let location = queue.pop(); location !== undefined; location = queue.pop()) {
    for (const edge of edgesOf(packages[location], location === from)) {
      if (edge.kind === "optionalPeer") continue;
      const target = resolveIn(packages, location, edge.name);
      if (target !== undefined && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return seen;
}

const rootFields = ["version", "license", "dependencies", "optionalDependencies", "devDependencies", "peerDependencies", "engines"] as const;

function rootPackageFieldsOf(packageJson: LockEntry): LockEntry {
  const entry: LockEntry = {};
  for (const field of rootFields) if (packageJson[field] !== undefined) (entry as Record<string, unknown>)[field] = packageJson[field];
  return entry;
}

/** The entry as the root lock has it, less the flags, which depend on the tree and are computed again. */
function packageFieldsOf(entry: LockEntry): LockEntry {
  return Object.fromEntries(Object.entries(entry).filter(([field]) => !dependencyFlags.includes(field)));
}

const dependencyFlags = ["dev", "optional", "devOptional", "peer"];

/**
 * npm's dev / optional / devOptional / peer flags for the functions tree (as @npmcli/arborist's
 * calc-dep-flags computes them): `npm ci --omit=dev` relies on them. Every flag starts set and is
 * unset along the edges that make a package required, production, or not only a peer.
 */
function setDependencyFlags(packages: Record<string, LockEntry>): void {
  interface Flags {
    dev: boolean;
    optional: boolean;
    devOptional: boolean;
    peer: boolean;
  }
  const flags = new Map<string, Flags>();
  for (const location of Object.keys(packages)) flags.set(location, { dev: true, optional: true, devOptional: true, peer: true });
  flags.set("", { dev: false, optional: false, devOptional: false, peer: false });
  const queue = [""];
  for (let location = queue.pop(); location !== undefined; location = queue.pop()) {
    const from = flags.get(location)!;
    for (const edge of edgesOf(packages[location], location === "")) {
      const target = resolveIn(packages, location, edge.name);
      if (target === undefined) continue;
      const to = flags.get(target)!;
      const dev = edge.kind === "dev";
      const optional = edge.kind === "optional" || edge.kind === "optionalPeer";
      const peer = edge.kind === "peer" || edge.kind === "optionalPeer";
      const unset = {
        dev: to.dev && !from.dev && !dev,
        optional: to.optional && !from.optional && !optional,
        devOptional: to.devOptional && !from.devOptional && !from.dev && !from.optional && !dev && !optional,
        peer: to.peer && !from.peer && !peer,
      };
      for (const flag of ["dev", "optional", "devOptional", "peer"] as const) if (unset[flag]) to[flag] = false;
      if (Object.values(unset).some(Boolean)) queue.push(target);
    }
  }
  for (const [location, flag] of flags) {
    if (location === "") continue;
    const entry = packages[location];
    const ordered: LockEntry = { version: entry.version, resolved: entry.resolved, integrity: entry.integrity };
    if (flag.peer) ordered.peer = true;
    if (flag.dev) ordered.dev = true;
    if (flag.optional) ordered.optional = true;
    if (flag.devOptional && !flag.dev && !flag.optional) ordered.devOptional = true;
    const rest = Object.fromEntries(Object.entries(entry).filter(([key]) => !(key in ordered)));
    packages[location] = Object.fromEntries(Object.entries({ ...ordered, ...rest }).filter(([, value]) => value !== undefined));
  }
}

/** One difference between the tested tree and the deployed one, said so that a reader can act on it. */
export type TreeDifference = string;

/**
 * Walks the tested tree (the root lock from the functions workspace) and the deployed one (functions'
 * lock from its root) side by side, resolving each dependency in each as Node would, and reports every
 * package that differs in version or integrity, is missing from either, or is in the deployed lock
 * without being needed. Independent of deriveFunctionsLock: it only reads the two locks.
 */
export function compareTestedAndDeployed(rootLock: Lockfile, functionsLock: Lockfile): TreeDifference[] {
  const tested = rootLock.packages;
  const deployed = functionsLock.packages;
  const differences: TreeDifference[] = [];
  const visited = new Set<string>();
  const queue: Array<{ testedAt: string; deployedAt: string; path: string }> = [{ testedAt: functionsWorkspace, deployedAt: "", path: "functions" }];
  for (let pair = queue.shift(); pair !== undefined; pair = queue.shift()) {
    const key = `${pair.testedAt}\u0000${pair.deployedAt}`;
    if (visited.has(key)) continue;
    visited.add(key);
    const isRoot = pair.deployedAt === "";
    const testedEdges = edgesOf(tested[pair.testedAt], isRoot);
    const deployedEdges = edgesOf(deployed[pair.deployedAt], isRoot);
    const names = new Set([...testedEdges, ...deployedEdges].filter((edge) => edge.kind !== "optionalPeer").map((edge) => edge.name));
    for (const name of names) {
      const testedTarget = resolveIn(tested, pair.testedAt, name);
      const deployedTarget = resolveIn(deployed, pair.deployedAt, name);
      const path = `${pair.path} > ${name}`;
      if (testedTarget === undefined && deployedTarget === undefined) continue;
      if (testedTarget === undefined) {
        differences.push(`${path}: deployed ${deployed[deployedTarget!].version}, not installed by the tested tree`);
        continue;
      }
      if (deployedTarget === undefined) {
        differences.push(`${path}: tested ${tested[testedTarget].version}, missing from the deployed lock`);
        continue;
      }
      const testedEntry = tested[testedTarget];
      const deployedEntry = deployed[deployedTarget];
      if (!samePackage(testedEntry, deployedEntry)) {
        differences.push(`${path}: tested ${testedEntry.version}, deployed ${deployedEntry.version}${testedEntry.version === deployedEntry.version ? " (other integrity)" : ""}`);
        continue;
      }
      queue.push({ testedAt: testedTarget, deployedAt: deployedTarget, path });
    }
  }
  const deployedReached = new Set([...visited].map((key) => key.split("\u0000")[1]));
  for (const location of Object.keys(deployed)) {
    if (!deployedReached.has(location)) differences.push(`${location}: in the deployed lock, needed by nothing`);
  }
  return differences;
}

/**
 * The functions' package.json ranges that are not one exact version, or not the version the root lock
 * installs for the functions: a range lets a later `npm install` or lock refresh move away from what
 * was tested.
 */
export function inexactRanges(rootLock: Lockfile, functionsPackageJson: LockEntry): string[] {
  const problems: string[] = [];
  for (const field of ["dependencies", "devDependencies", "optionalDependencies"] as const) {
    for (const [name, range] of Object.entries(functionsPackageJson[field] ?? {})) {
      const testedTarget = resolveIn(rootLock.packages, functionsWorkspace, name);
      const testedVersion = testedTarget ? rootLock.packages[testedTarget].version : undefined;
      if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(range)) problems.push(`${field}.${name}: "${range}" is a range, not one version`);
      else if (range !== testedVersion) problems.push(`${field}.${name}: "${range}", the tests run ${testedVersion ?? "nothing"}`);
    }
  }
  return problems;
}

/** The lockfile as npm writes it: two-space JSON and a final newline. */
export function lockfileText(lock: Lockfile): string {
  return `${JSON.stringify(lock, null, 2)}\n`;
}
