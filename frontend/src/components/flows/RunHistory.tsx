// A flow's past runs: status, when, how long, tokens and cost; each opens the run view.

import { Link } from "react-router-dom";
import { Spinner, formatMs } from "../Elapsed";
import { ErrorNote } from "../ErrorNote";
import { useFlowRuns } from "../../hooks/useFlows";
import { formatCost, formatTokens, formatWhen } from "./describe";

export function RunHistory({ flowId, currentRunId }: { flowId: number; currentRunId?: number }) {
  const runs = useFlowRuns(flowId);
  return (
    <section className="run-history" aria-label="Run history">
      <h2>Runs</h2>
      {runs.isPending && <Spinner label="Loading runs" />}
      <ErrorNote error={runs.error} />
      {runs.data && runs.data.length === 0 && <p className="muted small">No runs yet. Press Run to start one.</p>}
      <ul className="run-list">
        {runs.data?.map((r) => (
          <li key={r.id} className={r.id === currentRunId ? "current" : undefined}>
            <Link to={`/flows/${flowId}/runs/${r.id}`} className="run-link">
              <span className="row between">
                <strong>Run #{r.id}</strong>
                <span className={`badge ${r.status}`}>{r.status.replace("_", " ")}</span>
              </span>
              <span className="muted small">
                {formatWhen(r.started_at ?? r.created_at)}
                {r.totals.duration_ms !== null ? ` · ${formatMs(r.totals.duration_ms)}` : ""} · v{r.flow_version}
              </span>
              <span className="muted small">
                {formatTokens(r.totals.input_tokens + r.totals.output_tokens)} tokens · {formatCost(r.totals.cost_usd)}
                {Object.entries(r.node_counts)
                  .filter(([, n]) => n > 0)
                  .map(([s, n]) => ` · ${n} ${s.replace("_", " ")}`)
                  .join("")}
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
