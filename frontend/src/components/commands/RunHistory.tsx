// A card's past runs, newest first; choosing one replays its stored output in a RunPanel.

import { useState } from "react";
import { formatMs, Spinner } from "../Elapsed";
import { ErrorNote } from "../ErrorNote";
import { useRuns } from "../../hooks/useCommands";
import { RunPanel, StatusBadge } from "./RunPanel";

export function RunHistory({ cardId }: { cardId: number }) {
  const runs = useRuns(cardId);
  const [selected, setSelected] = useState<number | null>(null);
  if (runs.isPending) return <Spinner label="Loading history" />;
  if (runs.error) return <ErrorNote error={runs.error} />;
  if (!runs.data.length) return <p className="muted small">No runs yet.</p>;
  return (
    <div className="stack">
      <ul className="history-list" aria-label="Run history">
        {runs.data.map((r) => (
          <li key={r.id}>
            <button className={selected === r.id ? "selected" : ""} onClick={() => setSelected(selected === r.id ? null : r.id)} aria-expanded={selected === r.id}>
              <StatusBadge status={r.status} />
              <span className="small">{new Date(r.started_at).toLocaleString()}</span>
              {r.exit_code !== null && <span className="small muted">exit {r.exit_code}</span>}
              {r.duration_ms !== null && <span className="small muted">{formatMs(r.duration_ms)}</span>}
            </button>
          </li>
        ))}
      </ul>
      {selected !== null && <RunPanel key={selected} runId={selected} compact />}
    </div>
  );
}
