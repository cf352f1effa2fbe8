// Actions on the active terminal: status, search, copy/paste, font size, save card, ask the Architect.
// On a narrow screen the actions fold into a "More actions" disclosure so the bar stays one row.

import { useEffect, useId, useRef, useState } from "react";
import { describeStatus, type ConnectionStatus } from "./connection";

export const MIN_FONT = 9;
export const MAX_FONT = 28;

interface Props {
  status: ConnectionStatus | undefined;
  fontSize: number;
  busy: boolean;
  onFontSize: (size: number) => void;
  onFind: (query: string, backwards: boolean) => boolean;
  onClearSearch: () => void;
  onCopy: () => void;
  onPaste: () => void;
  onSaveCard: () => void;
  onAskArchitect: () => void;
  onReconnect: () => void;
}

function useNow(enabled: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    const id = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(id);
  }, [enabled]);
  return now;
}

function statusClass(status: ConnectionStatus | undefined): string {
  if (status?.kind === "connected") return "ok";
  if (status?.kind === "exited" || status?.kind === "gone") return "bad";
  return "warn";
}

export function TerminalToolbar(props: Props) {
  const { status, fontSize, busy } = props;
  const now = useNow(status?.kind === "reconnecting");
  const [query, setQuery] = useState("");
  const [notFound, setNotFound] = useState(false);
  const statusText = status ? describeStatus(status, now) : "No session"; // may be cut short at 360 px
  const canReconnect = status?.kind === "reconnecting" || status?.kind === "taken-over";

  const [menuOpen, setMenuOpen] = useState(false);
  const moreRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const menuId = useId();

  function closeMenu(refocus: boolean) {
    setMenuOpen(false);
    if (refocus) moreRef.current?.focus();
  }

  function act(action: () => void) {
    setMenuOpen(false);
    action();
  }

  useEffect(() => {
    if (!menuOpen) return;
    // A click anywhere else closes the menu, as a menu does.
    const onPointer = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!menuRef.current?.contains(target) && !moreRef.current?.contains(target)) setMenuOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [menuOpen]);

  function find(backwards: boolean) {
    setNotFound(query !== "" && !props.onFind(query, backwards));
  }

  return (
    <div className="term-toolbar">
      <span className={`badge ${statusClass(status)}`} role="status" aria-live="polite" data-testid="terminal-status" title={statusText}>
        {statusText}
      </span>
      {canReconnect && (
        <button onClick={props.onReconnect}>{status?.kind === "taken-over" ? "Take over here" : "Reconnect now"}</button>
      )}
      <form
        className="term-search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          find(false);
        }}
      >
        <input
          type="search"
          placeholder="Search output"
          aria-label="Search terminal output"
          value={query}
          aria-invalid={notFound}
          onChange={(e) => {
            setQuery(e.target.value);
            setNotFound(false);
            if (!e.target.value) props.onClearSearch();
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter" && e.shiftKey) {
              e.preventDefault();
              find(true);
            } else if (e.key === "Escape") {
              setQuery("");
              props.onClearSearch();
            }
          }}
        />
        <button type="button" aria-label="Previous match" onClick={() => find(true)}>
          ↑
        </button>
        <button type="submit" aria-label="Next match">
          ↓
        </button>
      </form>
      <button
        ref={moreRef}
        className="term-more"
        aria-expanded={menuOpen}
        aria-controls={menuId}
        aria-label="More actions"
        title="More actions"
        onClick={() => setMenuOpen((open) => !open)}
      >
        ⋯
      </button>
      <div
        id={menuId}
        ref={menuRef}
        className={`term-actions ${menuOpen ? "open" : ""}`}
        onKeyDown={(e) => {
          if (e.key === "Escape") closeMenu(true);
        }}
      >
        <div className="row term-font" role="group" aria-label="Font size">
          <button aria-label="Smaller font" onClick={() => props.onFontSize(Math.max(MIN_FONT, fontSize - 1))} disabled={fontSize <= MIN_FONT}>
            A−
          </button>
          <span className="small muted" aria-live="polite">
            {fontSize}px
          </span>
          <button aria-label="Larger font" onClick={() => props.onFontSize(Math.min(MAX_FONT, fontSize + 1))} disabled={fontSize >= MAX_FONT}>
            A+
          </button>
        </div>
        <button onClick={() => act(props.onCopy)} title="Copy the selection (Ctrl+Shift+C)">
          Copy
        </button>
        <button onClick={() => act(props.onPaste)} title="Paste from the clipboard (Ctrl+Shift+V)">
          Paste
        </button>
        <button onClick={() => act(props.onSaveCard)} title="From the selection, else the last command you ran">
          Save as command card
        </button>
        <button onClick={() => act(props.onAskArchitect)} disabled={busy} title="Send the selection (secrets masked) to the Architect">
          Ask the Architect
        </button>
      </div>
    </div>
  );
}
