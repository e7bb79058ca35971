import type { KeySource } from "../../lib/callables";

/** Which key paid for what the user is looking at. */
export function KeySourceNote({ keySource }: { keySource: KeySource }) {
  return (
    <p className="key-source">
      {keySource === "user" ? "Generated with your own Gemini key." : "Generated with Interview AI's shared key, which has a daily limit."}
    </p>
  );
}
