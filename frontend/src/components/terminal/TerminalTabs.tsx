// The tab strip: one tab per server session with its live status, plus "New terminal".

import type { TerminalSession } from "../../api/terminal";
import type { ConnectionStatus } from "./connection";

interface Props {
  sessions: TerminalSession[];
  activeId: string | null;
  statuses: Record<string, ConnectionStatus>;
  creating: boolean;
  onSelect: (id: string) => void;
  onClose: (session: TerminalSession) => void;
  onNew: () => void;
}

function dotClass(status: ConnectionStatus | undefined): string {
  switch (status?.kind) {
    case "connected":
      return "ok";
    case "exited":
    case "gone":
      return "bad";
    default:
      return "warn";
  }
}

export function tabLabel(session: TerminalSession): string {
  const shell = session.shell.split("/").pop() || "shell";
  return `${session.number} · ${shell}`;
}

export function TerminalTabs({ sessions, activeId, statuses, creating, onSelect, onClose, onNew }: Props) {
  return (
    <div className="term-tabs" role="tablist" aria-label="Terminal sessions">
      {sessions.map((s) => (
        <div key={s.id} className={`term-tab ${s.id === activeId ? "active" : ""}`}>
          <button
            role="tab"
            aria-selected={s.id === activeId}
            className="term-tab-label"
            title={`${s.shell} in ${s.cwd} (pid ${s.pid})`}
            onClick={() => onSelect(s.id)}
          >
            <span className={`term-dot ${dotClass(statuses[s.id])}`} aria-hidden="true" />
            {tabLabel(s)}
          </button>
          <button className="icon-button term-tab-close" aria-label={`Close terminal ${s.number}`} onClick={() => onClose(s)}>
            ×
          </button>
        </div>
      ))}
      <button className="term-new" onClick={onNew} disabled={creating} aria-label="New terminal">
        {creating ? "Starting…" : "+ New"}
      </button>
    </div>
  );
}
