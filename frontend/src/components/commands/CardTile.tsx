// One card of the deck: name, risk, tags, command, last run, and its actions.

import { useState } from "react";
import type { Card } from "../../api/commands";
import { formatMs } from "../Elapsed";
import { RiskBadge } from "./RiskBadge";
import { RunHistory } from "./RunHistory";
import { StatusBadge } from "./RunPanel";

interface Props {
  card: Card;
  focused: boolean;
  activeTag: string;
  onTag: (tag: string) => void;
  onRun: () => void;
  onEdit: () => void;
  onDelete: () => void;
}

export function CardTile({ card, focused, activeTag, onTag, onRun, onEdit, onDelete }: Props) {
  const [showHistory, setShowHistory] = useState(false);
  const last = card.last_run;
  return (
    <article className={`card cmd-card${focused ? " focused" : ""}`} id={`card-${card.id}`} aria-label={`Card ${card.name}`}>
      <div className="row between">
        <h3>{card.name}</h3>
        <RiskBadge verdict={card.risk} />
      </div>
      {card.description && <p className="muted small" style={{ margin: 0 }}>{card.description}</p>}
      <code className="run-command small">{card.command}</code>
      {card.cwd && (
        <p className="small muted cwd-line" data-testid="card-cwd">
          in <code>{card.cwd}</code>
        </p>
      )}
      {card.risk.reasons.length > 0 && <p className="small muted" style={{ margin: 0 }}>{card.risk.reasons.join("; ")}</p>}
      <div className="row small">
        {card.tags.length > 0 && (
          <div className="tags">
            {card.tags.map((t) => (
              <button key={t} className={`tag${t === activeTag ? " active" : ""}`} onClick={() => onTag(t === activeTag ? "" : t)} aria-pressed={t === activeTag}>
                {t}
              </button>
            ))}
          </div>
        )}
        {card.source === "architect" && <span className="badge" title={card.prompt ?? ""}>Architect</span>}
        {last ? (
          <span className="row" data-testid="last-run">
            <StatusBadge status={last.status} />
            {last.exit_code !== null && <span className="muted">exit {last.exit_code}</span>}
            {last.duration_ms !== null && <span className="muted">{formatMs(last.duration_ms)}</span>}
          </span>
        ) : (
          <span className="muted">never run</span>
        )}
      </div>
      <div className="row actions">
        <button className={card.risk.level === "dangerous" ? "danger" : "primary"} onClick={onRun}>
          Run
        </button>
        <button onClick={() => setShowHistory((s) => !s)} aria-expanded={showHistory}>
          History
        </button>
        <button onClick={onEdit}>Edit</button>
        <button onClick={onDelete} aria-label={`Delete ${card.name}`}>
          Delete
        </button>
      </div>
      {showHistory && <RunHistory cardId={card.id} />}
    </article>
  );
}
