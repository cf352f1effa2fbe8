// Runs across all flows: status, flow, start, duration, tokens and cost, filtered by status and
// flow (kept in the URL so a view can be linked); runs in progress update live.

import { Link, useSearchParams } from "react-router-dom";
import type { RunFilter, RunStatus, RunSummary } from "../../api/flows";
import { useAllRuns, useFlowList } from "../../hooks/useFlows";
import { Elapsed, Spinner, formatMs } from "../Elapsed";
import { ErrorNote } from "../ErrorNote";
import { formatCost, formatTokens, formatWhen } from "./describe";
import { FINISHED_RUN } from "./runState";

const IN_PROGRESS: RunStatus[] = ["queued", "running", "awaiting_approval"];
const STATUS_CHOICES: { value: string; label: string; statuses: RunStatus[] }[] = [
  { value: "", label: "Any status", statuses: [] },
  { value: "active", label: "In progress", statuses: IN_PROGRESS },
  ...(["awaiting_approval", "succeeded", "failed", "cancelled", "interrupted"] as RunStatus[]).map((s) => ({
    value: s,
    label: s.replace("_", " "),
    statuses: [s],
  })),
];

function Duration({ run }: { run: RunSummary }) {
  if (!FINISHED_RUN.has(run.status) && run.started_at) return <Elapsed since={Date.parse(run.started_at)} />;
  return <>{run.totals.duration_ms !== null ? formatMs(run.totals.duration_ms) : "—"}</>;
}

export function AllRuns() {
  const [params, setParams] = useSearchParams();
  const statusChoice = STATUS_CHOICES.find((c) => c.value === (params.get("status") ?? "")) ?? STATUS_CHOICES[0]!;
  const flowParam = Number(params.get("flow"));
  const filter: RunFilter = {
    statuses: statusChoice.statuses,
    flowId: Number.isInteger(flowParam) && flowParam > 0 ? flowParam : null,
  };
  const flows = useFlowList(true);
  const runs = useAllRuns(filter);
  const rows = runs.data?.pages.flatMap((p) => p.runs) ?? [];
  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  return (
    <div className="page all-runs">
      <p className="small">
        <Link to="/flows">← Flows</Link>
      </p>
      <h1>All flow runs</h1>
      <div className="row run-filters">
        <label className="field inline">
          <span className="field-label">Status</span>
          <select aria-label="Filter by status" value={statusChoice.value} onChange={(e) => setParam("status", e.target.value)}>
            {STATUS_CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span className="field-label">Flow</span>
          <select aria-label="Filter by flow" value={filter.flowId ?? ""} onChange={(e) => setParam("flow", e.target.value)}>
            <option value="">All flows</option>
            {flows.data?.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {runs.isPending && <Spinner label="Loading runs" />}
      <ErrorNote error={runs.error} />
      {runs.data && rows.length === 0 && (
        <p className="muted">{filter.statuses.length || filter.flowId ? "No runs match these filters." : "No flow has run yet."}</p>
      )}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="all-runs-table cards-on-phone" aria-label="Flow runs">
            <thead>
              <tr>
                <th>Run</th>
                <th>Flow</th>
                <th>Status</th>
                <th>Started</th>
                <th>Duration</th>
                <th>Tokens</th>
                <th>Cost</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td className="card-title">
                    {r.flow_id !== null ? (
                      <Link to={`/flows/${r.flow_id}/runs/${r.id}`}>Run #{r.id}</Link>
                    ) : (
                      <span title="Run from a flow file on the command line">Run #{r.id}</span>
                    )}
                  </td>
                  <td data-label="Flow">
                    {r.flow_name}
                    <span className="muted small"> v{r.flow_version}</span>
                  </td>
                  <td data-label="Status">
                    <span className={`badge ${r.status}`} data-testid={`all-runs-status-${r.id}`}>
                      {r.status.replace("_", " ")}
                    </span>
                  </td>
                  <td className="small" data-label="Started">{formatWhen(r.started_at ?? r.created_at)}</td>
                  <td className="small" data-label="Duration">
                    <Duration run={r} />
                  </td>
                  <td className="small" data-label="Tokens">{formatTokens(r.totals.input_tokens + r.totals.output_tokens)}</td>
                  <td className="small" data-label="Cost">{formatCost(r.totals.cost_usd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {runs.hasNextPage && (
        <button onClick={() => void runs.fetchNextPage()} disabled={runs.isFetchingNextPage}>
          {runs.isFetchingNextPage && <Spinner label="Loading older runs" />} Older runs
        </button>
      )}
    </div>
  );
}
