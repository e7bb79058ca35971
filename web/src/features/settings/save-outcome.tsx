import type { ReactNode } from "react";
import { ErrorNotice } from "../../ui/error-notice";
import type { SaveAction } from "./use-save-action";

/**
 * The end of a Settings form that saves: its typed error, its buttons (`children`, if any) and the
 * confirmation, announced as a status. Both live regions stay in the page even when empty.
 */
export function SaveOutcome({ action, children }: { action: SaveAction; children?: ReactNode }) {
  return (
    <>
      <ErrorNotice error={action.error} />
      {children && <div className="actions">{children}</div>}
      <p className="confirmation" role="status">
        {action.confirmation}
      </p>
    </>
  );
}
