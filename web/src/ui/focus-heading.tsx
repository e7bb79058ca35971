import { useEffect, useRef, type ReactNode } from "react";

/**
 * A section heading that takes the focus when it appears, for views that replace each other
 * within a page (questions, feedback): the user continues reading at the new content.
 */
export function FocusHeading({ id, focusOnMount = true, children }: { id?: string; focusOnMount?: boolean; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusOnMount) heading.current?.focus();
  }, [focusOnMount]);
  return (
    <h2 ref={heading} id={id} tabIndex={-1}>
      {children}
    </h2>
  );
}
