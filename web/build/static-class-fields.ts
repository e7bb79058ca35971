/**
 * Moves `Class.NAME = <literal>;` statements that follow a class declaration into the class body as
 * `static NAME = <literal>;`.
 *
 * Why: compiled TypeScript (e.g. `@firebase/auth`'s browser build) writes static members after the class.
 * A bundler must treat a property write as a side effect, so it keeps every such class even when nothing
 * uses it (Twitter, Facebook and GitHub providers, local-storage persistence: about 1.8 kB gzipped on the
 * sign-in screen). A static field with a literal value is side-effect free, so the unused class can go.
 * Turning rolldown's `propertyWriteSideEffects` off globally does the same, but it also drops writes that
 * matter (`imported.flag = true` on a used object), so this rewrite is limited to literal values on
 * classes declared in the same module. Defining a field on a class without an accessor of that name is
 * the same as assigning it once the class exists, which a literal value cannot observe.
 */
export function moveStaticAssignmentsIntoClasses(code: string): string {
  const literal = String.raw`'[^'\\\n]*'|"[^"\\\n]*"|-?\d+(?:\.\d+)?|true|false|null`;
  const assignment = new RegExp(String.raw`^([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*) = (${literal})(?: /\*[^*\n]*\*/)?;[^\S\n]*$\n?`, "gm");
  const fields = new Map<string, string[]>();
  const withoutAssignments = code.replace(assignment, (whole, className: string, name: string, value: string) => {
    const declaration = new RegExp(String.raw`^class ${escape(className)}(?: extends [\w$.]+)? \{$`, "m");
    if (!declaration.test(code)) return whole;
    fields.set(className, [...(fields.get(className) ?? []), `    static ${name} = ${value};`]);
    return "";
  });
  let result = withoutAssignments;
  for (const [className, statics] of fields) {
    const declaration = new RegExp(String.raw`^(class ${escape(className)}(?: extends [\w$.]+)? \{)$`, "m");
    result = result.replace(declaration, (opening) => `${opening}\n${statics.join("\n")}`);
  }
  return result;
}

const escape = (name: string) => name.replace(/\$/g, "\\$");
