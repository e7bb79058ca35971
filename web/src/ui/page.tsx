import { useEffect, useRef, type ReactNode } from "react";

/** Whether a page has been shown yet: the first one keeps the browser's focus, later ones take it. */
let pageShownBefore = false;

/**
 * A page's heading and body. When a page becomes visible after navigation, its heading takes the
 * focus so keyboard and screen reader users start reading at the new content.
 */
export function Page({ title, visible = true, children }: { title: string; visible?: boolean; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!visible) return;
    document.title = `${title} · Interview AI`;
    if (pageShownBefore) heading.current?.focus();
    pageShownBefore = true;
  }, [visible, title]);
  return (
    <div className="page">
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children}
    </div>
  );
}
