// Budgets with status bars, and an editor that replaces the whole set (PUT /api/budgets).

import { useState } from "react";
import { usd, type BudgetSpec, type BudgetState } from "../../api/ledger";
import { budgetUsd, parseLimit, usedShare } from "../budgetMeterState";
import { useBudgetStatus, useSaveBudgets } from "../../hooks/useLedger";
import { Spinner } from "../Elapsed";
import { ErrorNote } from "../ErrorNote";
import { useToast } from "../Toasts";
import { useUnsavedGuard } from "../../hooks/useUnsavedGuard";

export function BudgetBar({ state }: { state: BudgetState }) {
  const share = usedShare(state);
  return (
    <div className="budget-bar-row">
      <div className="row between">
        <strong>{state.label}</strong>
        <span className={`badge ${state.level === "ok" ? "ok" : state.level === "warn" ? "warn" : "bad"}`}>
          {state.level}
        </span>
      </div>
      <div
        className={`budget-bar level-${state.level}`}
        role="progressbar"
        aria-label={`${state.label} used`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={share.percent}
      >
        <span style={{ width: `${share.fraction * 100}%` }} />
      </div>
      <p className="small muted">
        <span className="budget-used">{share.text}</span> ({budgetUsd(state.reserved_usd)} in flight) · {budgetUsd(state.remaining_usd)} left
        {state.remaining_calls !== null && ` · about ${state.remaining_calls} calls at ${usd(state.average_call_usd)}`}
        {` · ${state.budget.hard ? "hard: calls are refused" : "soft: warns only"} · resets ${new Date(state.resets_at).toLocaleString()}`}
      </p>
    </div>
  );
}

type Draft = Omit<BudgetSpec, "limit_usd" | "soft_limit_usd"> & { limit: string; soft: string };

function toDraft(b: BudgetSpec): Draft {
  return {
    scope: b.scope,
    target: b.target ?? "",
    period: b.period,
    hard: b.hard,
    limit: String(b.limit_usd),
    soft: b.soft_limit_usd == null ? "" : String(b.soft_limit_usd),
  };
}

/** Why a draft cannot be saved (in the user's words), or null when every row is valid. */
function draftProblem(rows: Draft[]): string | null {
  for (const [i, r] of rows.entries()) {
    if (parseLimit(r.limit) === null) return `Budget ${i + 1}: the limit must be an amount above $0 (for example 0.033).`;
    if (r.soft.trim() !== "" && parseLimit(r.soft) === null) return `Budget ${i + 1}: "Warn at" must be an amount above $0, or empty.`;
  }
  return null;
}

function Editor({ initial, onDone }: { initial: BudgetSpec[]; onDone: () => void }) {
  const [rows, setRows] = useState<Draft[]>(initial.map(toDraft));
  const [saved] = useState(() => JSON.stringify(initial.map(toDraft)));
  const [problem, setProblem] = useState<string | null>(null);
  const save = useSaveBudgets();
  const toast = useToast();
  const guard = useUnsavedGuard(JSON.stringify(rows) !== saved && !save.isSuccess, "Your budget changes are not saved.");
  const update = (i: number, patch: Partial<Draft>) => {
    setProblem(null);
    setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  };
  const submit = () => {
    const invalid = draftProblem(rows);
    setProblem(invalid);
    if (invalid) return;
    const specs: BudgetSpec[] = rows.map((r) => ({
      scope: r.scope,
      target: r.scope === "global" ? null : r.target?.trim() || null,
      period: r.period,
      hard: r.hard,
      limit_usd: parseLimit(r.limit) ?? 0,
      soft_limit_usd: r.soft.trim() === "" ? null : parseLimit(r.soft),
    }));
    save.mutate(specs, {
      onSuccess: () => {
        toast.success("Budgets saved");
        onDone();
      },
    });
  };
  return (
    <form
      className="stack budget-editor"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {rows.map((r, i) => (
        <fieldset key={i} className="budget-edit-row">
          <legend className="small muted">Budget {i + 1}</legend>
          <label className="field">
            <span>Scope</span>
            <select value={r.scope} onChange={(e) => update(i, { scope: e.target.value as Draft["scope"] })}>
              <option value="global">Global</option>
              <option value="provider">Provider</option>
              <option value="flow">Flow</option>
            </select>
          </label>
          {r.scope !== "global" && (
            <label className="field">
              <span>{r.scope === "flow" ? "Flow id" : "Provider"}</span>
              <input value={r.target ?? ""} onChange={(e) => update(i, { target: e.target.value })} required />
            </label>
          )}
          <label className="field">
            <span>Period</span>
            <select value={r.period} onChange={(e) => update(i, { period: e.target.value as Draft["period"] })}>
              <option value="day">Per day (UTC)</option>
              <option value="month">Per month (UTC)</option>
            </select>
          </label>
          <label className="field">
            <span>Limit USD</span>
            <input type="text" inputMode="decimal" autoComplete="off" value={r.limit} onChange={(e) => update(i, { limit: e.target.value })} required aria-label="Limit USD" />
          </label>
          <label className="field">
            <span>Warn at USD</span>
            <input type="text" inputMode="decimal" autoComplete="off" value={r.soft} onChange={(e) => update(i, { soft: e.target.value })} aria-label="Warn at USD" />
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={r.hard} onChange={(e) => update(i, { hard: e.target.checked })} /> Block calls over the limit
          </label>
          <button type="button" className="danger" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
            Remove
          </button>
        </fieldset>
      ))}
      <div className="row wrap">
        <button
          type="button"
          onClick={() => setRows([...rows, { scope: "global", target: "", period: "day", hard: true, limit: "5", soft: "" }])}
        >
          Add budget
        </button>
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? <Spinner label="Saving" /> : "Save budgets"}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      {problem && (
        <p className="error-note" role="alert">
          {problem}
        </p>
      )}
      <ErrorNote error={save.error} />
      {guard}
    </form>
  );
}

export function BudgetsPanel() {
  const status = useBudgetStatus();
  const [editing, setEditing] = useState(false);
  const states = status.data?.budgets ?? [];
  return (
    <section className="card" id="budgets" aria-label="Budgets">
      <div className="row between">
        <h2>Budgets</h2>
        {!editing && <button onClick={() => setEditing(true)}>{states.length ? "Edit budgets" : "Set a budget"}</button>}
      </div>
      <ErrorNote error={status.error} />
      {status.data?.warnings.map((w) => (
        <p key={w} className="budget-warning" role="alert">
          {w}
        </p>
      ))}
      {editing ? (
        <Editor initial={states.map((s) => s.budget)} onDone={() => setEditing(false)} />
      ) : status.isPending ? (
        <Spinner label="Loading budgets" />
      ) : states.length === 0 ? (
        <p className="muted">No budgets yet. A hard budget refuses any call whose worst-case cost would pass it.</p>
      ) : (
        <div className="stack">{states.map((s) => <BudgetBar key={s.budget.id} state={s} />)}</div>
      )}
    </section>
  );
}
