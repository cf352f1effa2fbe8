// Gantt chart of a run: one row per step, a bar from its start to its finish.

import { useEffect, useState } from "react";
import type { NodeRun } from "../../api/flows";
import { formatMs } from "../Elapsed";
import { buildTimeline } from "./timeline";

interface Props {
  nodes: NodeRun[];
  order: string[];
  runStartedAt: string | null;
  live: boolean;
  selected: string | null;
  onSelect: (nodeId: string) => void;
}

export function Timeline({ nodes, order, runStartedAt, live, selected, onSelect }: Props) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!live) return;
    const id = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(id);
  }, [live]);
  const model = buildTimeline(nodes, order, live ? now : 0, runStartedAt);
  if (!model.rows.some((r) => r.bar)) {
    return (
      <section className="timeline" aria-label="Timeline">
        <h2>Timeline</h2>
        <p className="muted small">No step has started yet.</p>
      </section>
    );
  }
  return (
    <section className="timeline" aria-label="Timeline">
      <div className="row between">
        <h2>Timeline</h2>
        <span className="muted small">
          {formatMs(model.totalMs)} · up to {model.peakParallel} step{model.peakParallel === 1 ? "" : "s"} at once
        </span>
      </div>
      <div className="timeline-grid">
        <div className="timeline-axis" aria-hidden>
          <span className="timeline-label" />
          <div className="timeline-track">
            {model.ticks.map((t) => (
              <span key={t.ms} className="timeline-tick" style={{ left: `${t.left * 100}%` }}>
                {formatMs(t.ms)}
              </span>
            ))}
          </div>
        </div>
        {model.rows.map((row) => (
          <button
            key={row.nodeId}
            className={`timeline-row ${selected === row.nodeId ? "selected" : ""}`}
            onClick={() => onSelect(row.nodeId)}
            aria-label={
              row.bar
                ? `${row.nodeId}: ${row.status}, from ${formatMs(row.bar.startMs)} to ${formatMs(row.bar.endMs)}`
                : `${row.nodeId}: ${row.status}, did not start`
            }
          >
            <span className="timeline-label mono">{row.nodeId}</span>
            <span className="timeline-track">
              {row.bar && (
                <span
                  className={`timeline-bar bar-${row.status} ${row.bar.open ? "open" : ""}`}
                  data-testid={`timeline-bar-${row.nodeId}`}
                  style={{ left: `${row.bar.left * 100}%`, width: `${row.bar.width * 100}%` }}
                />
              )}
              {!row.bar && <span className="timeline-none small muted">{row.status.replace("_", " ")}</span>}
            </span>
          </button>
        ))}
      </div>
    </section>
  );
}
