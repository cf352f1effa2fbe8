// The editor's side panel: tabs over one body, folding to a narrow rail to give the canvas room.

import type { ReactNode } from "react";

export interface SideTab<T extends string> {
  id: T;
  label: string;
  /** Marks the tab (e.g. the Flow tab while flow-level problems exist). */
  flag?: boolean;
}

interface Props<T extends string> {
  open: boolean;
  onToggle: () => void;
  tabs: SideTab<T>[];
  tab: T;
  onTab: (t: T) => void;
  children: ReactNode;
}

export function SidePanel<T extends string>({ open, onToggle, tabs, tab, onTab, children }: Props<T>) {
  const label = open ? "Hide the side panel" : "Show the side panel";
  return (
    <aside className={`flow-side${open ? "" : " collapsed"}`} aria-label="Side panel">
      <div className="side-head">
        <button className="icon-button panel-toggle" onClick={onToggle} aria-expanded={open} aria-label={label} title={label}>
          {open ? "»" : "«"}
        </button>
        {open && (
          <div className="tabs" role="tablist">
            {tabs.map((t) => (
              <button
                key={t.id}
                role="tab"
                aria-selected={tab === t.id}
                className={tab === t.id ? "active" : undefined}
                onClick={() => onTab(t.id)}
              >
                {t.label}
                {t.flag ? " ⚠" : ""}
              </button>
            ))}
          </div>
        )}
      </div>
      {open && (
        <div className="tab-body" role="tabpanel">
          {children}
        </div>
      )}
    </aside>
  );
}
