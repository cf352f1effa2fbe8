// The suggestion as a card: command with copy, explanation, assumptions, cost, and its actions.

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useState, type ReactNode } from "react";
import { Link } from "react-router-dom";
import { deleteCard, type ArchitectCard, type Generation } from "../../api/architect";
import { screens } from "../../screens";
import { ConfirmDialog } from "../ConfirmDialog";
import { formatMs } from "../Elapsed";
import { errorMessage } from "../ErrorNote";
import { useToast } from "../Toasts";
import { CopyButton } from "../CopyButton";
import { EditCardForm, type Draft } from "./EditCardForm";
import { ReviseBox } from "./ReviseBox";

interface Props {
  generation: Generation;
  /** A revision is streaming: actions wait. */
  busy: boolean;
  onCardChange: (card: ArchitectCard) => void;
  onRevise: (feedback: string, replace: boolean) => void;
  onDiscarded: () => void;
  /** Keep the card (it is stored already) and clear the screen for the next request. */
  onKeep: () => void;
  /** When given, a Run button appears; the run panel can be passed as children. */
  onRun?: (card: ArchitectCard) => void;
  children?: ReactNode;
}

export function formatCost(usd: number | null): string {
  if (usd === null) return "cost unknown";
  if (usd === 0) return "$0";
  if (usd < 0.01) return `$${usd.toFixed(6).replace(/0+$/, "")}`;
  return `$${usd.toFixed(4)}`;
}

function UsageLine({ g }: { g: Generation }) {
  const u = g.usage;
  return (
    <p className="muted small usage-line" data-testid="generation-usage">
      {u.input_tokens} in · {u.output_tokens} out tokens{u.usage_source === "estimated" ? " (estimated)" : ""} ·{" "}
      {formatCost(u.total_cost_usd)} · {formatMs(u.latency_ms)} · {g.provider}/{g.model} ·{" "}
      {screens.some((s) => s.path === "/ledger") ? (
        <Link to={`/ledger/calls/${g.ledger_id}`} title="This call's prompt, answer, tokens and cost">ledger #{g.ledger_id}</Link>
      ) : (
        <span>ledger #{g.ledger_id}</span>
      )}
    </p>
  );
}

export function ResultCard({ generation, busy, onCardChange, onRevise, onDiscarded, onKeep, onRun, children }: Props) {
  const { card, explanation, assumptions } = generation;
  const [mode, setMode] = useState<"view" | "edit" | "revise">("view");
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const toast = useToast();
  const queryClient = useQueryClient();
  const refreshDeck = () => void queryClient.invalidateQueries({ queryKey: ["commands"] });
  // The explanation and assumptions belong to the command the model wrote (a new generation
  // mounts a new ResultCard); an edited command makes them stale.
  const [explainedFor] = useState(card.command);
  const [draft, setDraft] = useState<Draft | null>(null);
  const onDraft = useCallback((d: Draft) => setDraft(d), []);
  const editing = mode === "edit" && draft !== null;
  const risk = editing ? (draft.risk ?? card.risk) : card.risk;
  const stale = (editing ? draft.command : card.command).trim() !== explainedFor.trim();

  async function discard() {
    setConfirming(false);
    setDeleting(true);
    try {
      await deleteCard(card.id);
      refreshDeck();
      toast.success(`Discarded “${card.name}”`);
      onDiscarded();
    } catch (err) {
      toast.error(errorMessage(err));
    } finally {
      setDeleting(false);
    }
  }

  const foreignShell = card.shell !== generation.shell;
  return (
    <article className="card result-card" aria-label="Suggested command" data-testid="architect-result">
      <header className="row between result-head">
        <h2 className="result-name">{card.name}</h2>
        <div className="row">
          <span
            className={`badge ${risk.level}`}
            title={risk.reasons.join("\n") || "No risky patterns found"}
            data-testid="architect-risk"
          >
            {risk.level}
          </span>
          <span className="badge">{generation.shell}</span>
          <span className="badge">{generation.os}</span>
        </div>
      </header>

      {mode === "edit" ? (
        <EditCardForm
          card={card}
          explainedFor={explainedFor}
          onDraft={onDraft}
          onCancel={() => {
            setMode("view");
            setDraft(null);
          }}
          onSaved={(updated) => {
            setDraft(null);
            onCardChange(updated);
            refreshDeck();
            setMode("view");
            toast.success("Card updated");
          }}
        />
      ) : (
        <>
          <div className="command-box">
            <pre className="command-text" data-testid="architect-command">
              <code>{card.command}</code>
            </pre>
            <CopyButton text={card.command} ariaLabel="Copy command" />
          </div>
          {card.description && <p className="result-description">{card.description}</p>}
          {card.risk.level !== "safe" && card.risk.reasons.length > 0 && (
            <ul className="risk-reasons small">
              {card.risk.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          )}
        </>
      )}

      {foreignShell && (
        <p className="muted small">
          Written for {generation.shell}. Forge runs saved commands with {card.shell}; run this one in a {generation.shell}{" "}
          terminal.
        </p>
      )}

      {stale && (explanation.length > 0 || assumptions.length > 0) && (
        <p className="stale-note small" role="note" data-testid="explanation-stale">
          The explanation below was written for the previous command (<code>{explainedFor}</code>). Revise to have it
          explained again.
        </p>
      )}
      {explanation.length > 0 && (
        <section className={stale ? "explanation stale" : "explanation"} aria-label="How it works">
          <h3>How it works</h3>
          <dl>
            {explanation.map((p, i) => (
              <div key={`${i}-${p.part}`} className="explanation-row">
                {p.part && (
                  <dt>
                    <code>{p.part}</code>
                  </dt>
                )}
                <dd>{p.meaning}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}

      {assumptions.length > 0 && (
        <section className={stale ? "assumptions stale" : "assumptions"}>
          <h3>Assumptions</h3>
          <ul>
            {assumptions.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
        </section>
      )}

      <UsageLine g={generation} />

      {mode === "revise" ? (
        <ReviseBox
          cardId={card.id}
          busy={busy}
          onCancel={() => setMode("view")}
          onRevise={(feedback, replace) => {
            setMode("view");
            onRevise(feedback, replace);
          }}
        />
      ) : (
        mode === "view" && (
          <div className="row result-actions">
            <Link className="saved-link" to={`/commands?card=${card.id}`} title="Every suggestion is stored as a command card">
              ✓ Saved to Commands (#{card.id})
            </Link>
            {onRun && (
              <button className="primary" disabled={busy || deleting} onClick={() => onRun(card)}>
                Run
              </button>
            )}
            <button onClick={onKeep} disabled={busy || deleting} title="Keep the card and start a new request">
              Keep &amp; new
            </button>
            <button onClick={() => setMode("edit")} disabled={busy || deleting}>
              Edit
            </button>
            <button onClick={() => setMode("revise")} disabled={busy || deleting}>
              Revise
            </button>
            <button className="danger" onClick={() => setConfirming(true)} disabled={busy || deleting}>
              {deleting ? "Discarding…" : "Discard"}
            </button>
          </div>
        )
      )}
      {children}
      <ConfirmDialog
        open={confirming}
        title="Discard this card?"
        confirmLabel="Discard"
        danger
        onCancel={() => setConfirming(false)}
        onConfirm={() => void discard()}
      >
        <p>
          “{card.name}” (#{card.id}) will be deleted from Commands. The ledger keeps the record of the call that
          produced it.
        </p>
      </ConfirmDialog>
    </article>
  );
}
