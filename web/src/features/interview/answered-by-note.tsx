import type { AnsweredBy, Provider } from "../../lib/callables";
import { answeredByNotice } from "./answered-by";

/** The fallback notice under a result (answered-by.ts), or nothing. */
export function AnsweredByNote({ provider, answered }: { provider: Provider; answered: Partial<AnsweredBy> }) {
  const notice = answeredByNotice(provider, answered);
  return notice ? (
    <p className="answered-by" role="note">
      {notice}
    </p>
  ) : null;
}
