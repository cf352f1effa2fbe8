// Optimizer suggestions with the figures they rest on; Apply, Dismiss and Undo.

import { useState } from "react";
import { usd, type Suggestion } from "../../api/ledger";
import { useActions, useApplySuggestion, useDismissSuggestion, useSuggestions, useUndoAction } from "../../hooks/useLedger";
import { ConfirmDialog } from "../ConfirmDialog";
import { Spinner } from "../Elapsed";
import { ErrorNote } from "../ErrorNote";
import { useToast } from "../Toasts";

function describeChange(change: Record<string, unknown>): string {
  const from = change.from as Record<string, unknown> | string | null | undefined;
  if (change.op === "set_node_fields") {
    const fields = change.fields as Record<string, unknown>;
    return Object.entries(fields)
      .map(([k, v]) => `${k}: ${from && typeof from === "object" ? String(from[k] ?? "default") : "?"} → ${String(v)}`)
      .join(", ");
  }
  if (change.op === "set_role_model") return `default model: ${String(from ?? "provider default")} → ${String(change.default_model)}`;
  if (change.op === "update_card") return `card tags → ${JSON.stringify((change.fields as Record<string, unknown>).tags)}`;
  return String(change.text ?? "");
}

function SuggestionCard({ s }: { s: Suggestion }) {
  const apply = useApplySuggestion();
  const dismiss = useDismissSuggestion();
  const undo = useUndoAction();
  const toast = useToast();
  const [confirm, setConfirm] = useState(false);
  const busy = apply.isPending || dismiss.isPending || undo.isPending;
  return (
    <article className={`suggestion status-${s.status}`} aria-label={s.title}>
      <div className="row between wrap">
        <h3>{s.title}</h3>
        <span className="badge ok">saves ~{usd(s.monthly_savings_usd)}/month</span>
      </div>
      <p>{s.explanation}</p>
      <p className="small">
        <strong>Change:</strong> {describeChange(s.change)}
        {typeof s.change.note === "string" && <span className="muted"> ({s.change.note})</span>}
      </p>
      <details>
        <summary className="small">Figures</summary>
        <dl className="ledger-details">
          {Object.entries(s.figures).map(([k, v]) => (
            <div key={k} className="contents">
              <dt>{k}</dt>
              <dd>{String(v)}</dd>
            </div>
          ))}
        </dl>
      </details>
      <div className="row wrap">
        {s.status === "applied" && s.action_id !== null ? (
          <button
            disabled={busy}
            onClick={() =>
              undo.mutate(s.action_id as number, { onSuccess: () => toast.success("Change undone") })
            }
          >
            Undo
          </button>
        ) : (
          <>
            {s.applicable && (
              <button className="primary" disabled={busy} onClick={() => setConfirm(true)}>
                Apply
              </button>
            )}
            <button disabled={busy} onClick={() => dismiss.mutate(s.id)}>
              Dismiss
            </button>
          </>
        )}
        {busy && <Spinner label="Working" />}
        {s.status === "applied" && <span className="badge ok">applied</span>}
      </div>
      <ErrorNote error={apply.error ?? dismiss.error ?? undo.error} />
      <ConfirmDialog
        open={confirm}
        title="Apply this change?"
        confirmLabel="Apply"
        onCancel={() => setConfirm(false)}
        onConfirm={() => {
          setConfirm(false);
          apply.mutate(s.id, { onSuccess: () => toast.success("Applied; Undo restores it") });
        }}
      >
        <p>{describeChange(s.change)}</p>
      </ConfirmDialog>
    </article>
  );
}

export function SuggestionsPanel() {
  const q = useSuggestions();
  const actions = useActions();
  const list = q.data?.suggestions ?? [];
  const undo = useUndoAction();
  return (
    <section className="card" aria-label="Suggestions">
      <h2>Suggestions</h2>
      <p className="small muted">From the last {q.data?.window_days ?? 30} days of calls; savings are per month.</p>
      <ErrorNote error={q.error} />
      {q.isPending ? (
        <Spinner label="Computing suggestions" />
      ) : list.length === 0 ? (
        <p className="muted">Nothing to improve right now: no rule found a pattern worth changing.</p>
      ) : (
        <div className="stack">{list.map((s) => <SuggestionCard key={s.id} s={s} />)}</div>
      )}
      {(actions.data?.actions.length ?? 0) > 0 && (
        <details>
          <summary className="small">History</summary>
          <ul className="small">
            {actions.data?.actions.map((a) => (
              <li key={a.id}>
                {new Date(a.created_at).toLocaleString()} · {a.action} · {a.title}
                {a.undone_at ? (
                  <span className="muted"> (undone)</span>
                ) : (
                  a.action === "apply" && (
                    <button className="linklike" onClick={() => undo.mutate(a.id)} disabled={undo.isPending}>
                      Undo
                    </button>
                  )
                )}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
