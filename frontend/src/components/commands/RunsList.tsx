// Every command run, cards' and one-off alike, newest first: live status and duration, reopen
// the output, cancel a running one.

import { useState } from "react";
import type { RunSummary } from "../../api/commands";
import { useCancelRun, useRuns } from "../../hooks/useCommands";
import { Elapsed, formatMs, Spinner } from "../Elapsed";
import { ErrorNote, errorMessage } from "../ErrorNote";
import { useToast } from "../Toasts";
import { StatusBadge } from "./RunPanel";
import { RunViewer } from "./RunViewer";

function label(run: RunSummary): string {
  if (run.card_name) return run.card_name;
  return run.card_id === null ? "One-off" : "Deleted card";
}

export function RunsList() {
  const runs = useRuns(undefined);
  const cancel = useCancelRun();
  const toast = useToast();
  const [open, setOpen] = useState<RunSummary | null>(null);
  if (runs.isPending) return <Spinner label="Loading runs" />;
  if (runs.error) return <ErrorNote error={runs.error} />;
  if (!runs.data.length) return <p className="muted">No runs yet. Run a card or a one-off command.</p>;
  const doCancel = (run: RunSummary) =>
    cancel.mutate(run.id, {
      onSuccess: (r) => toast.success(`Run #${r.id} ${r.status === "cancelled" ? "cancelled" : r.status}`),
      onError: (err) => toast.error(errorMessage(err)),
    });
  return (
    <>
      <ul className="runs-list" aria-label="All runs">
        {runs.data.map((r) => (
          <li key={r.id} className="run-row" aria-label={`Run ${r.id}`} data-status={r.status}>
            <div className="row run-row-head">
              <StatusBadge status={r.status} />
              <strong>{label(r)}</strong>
              <span className="small muted" title={r.started_at}>
                {new Date(r.started_at).toLocaleString()}
              </span>
              <span className="small muted" data-testid="run-duration">
                {r.status === "running" ? (
                  <Elapsed since={Date.parse(r.started_at)} />
                ) : (
                  r.duration_ms !== null && formatMs(r.duration_ms)
                )}
              </span>
              {r.exit_code !== null && <span className="small muted">exit {r.exit_code}</span>}
            </div>
            <code className="run-command small">{r.command}</code>
            <div className="row actions">
              <button onClick={() => setOpen(r)}>Output</button>
              {r.status === "running" && (
                <button className="danger" onClick={() => doCancel(r)} disabled={cancel.isPending && cancel.variables === r.id}>
                  {cancel.isPending && cancel.variables === r.id ? "Cancelling…" : "Cancel"}
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
      <RunViewer runId={open?.id ?? null} title={open ? `Run #${open.id}: ${label(open)}` : "Run"} onClose={() => setOpen(null)} />
    </>
  );
}
