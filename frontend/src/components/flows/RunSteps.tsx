// The run view's summaries: the steps table with inputs, and the bar of steps waiting for approval.

import type { FlowRun, NodeRun } from "../../api/flows";
import { formatMs } from "../Elapsed";
import { formatCost, formatTokens } from "./describe";

export function RunSteps({ run, onSelect }: { run: FlowRun; onSelect: (nodeId: string) => void }) {
  return (
    <section className="run-steps" aria-label="Steps">
      <h2>Steps</h2>
      <div className="table-wrap">
        <table className="run-steps-table">
          <colgroup>
            <col />
            <col className="col-state" />
            <col className="col-time" />
            <col className="col-tokens" />
            <col className="col-cost" />
          </colgroup>
          <thead>
            <tr>
              <th>Step</th>
              <th>State</th>
              <th>Time</th>
              <th>Tokens</th>
              <th>Cost</th>
            </tr>
          </thead>
          <tbody>
            {run.nodes.map((n) => (
              <tr key={n.node_id}>
                <td>
                  <button className="link-button mono step-name" title={n.node_id} onClick={() => onSelect(n.node_id)}>
                    {n.node_id}
                  </button>
                </td>
                <td>
                  <span className={`badge ${n.status}`}>{n.status.replace("_", " ")}</span>
                </td>
                <td>{n.duration_ms !== null ? formatMs(n.duration_ms) : "—"}</td>
                <td>
                  {n.input_tokens === null && n.output_tokens === null
                    ? "—"
                    : formatTokens((n.input_tokens ?? 0) + (n.output_tokens ?? 0))}
                </td>
                <td>{formatCost(n.cost_usd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {Object.keys(run.inputs).length > 0 && (
        <>
          <h3>Inputs</h3>
          <dl className="facts">
            {Object.entries(run.inputs).map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="mono">{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </section>
  );
}

interface BarProps {
  waiting: NodeRun[];
  deciding: ReadonlySet<string>;
  decide: (nodeId: string, approve: boolean) => void;
  onSelect: (nodeId: string) => void;
}

/** Every step waiting for a decision, with full-size buttons (the canvas may be zoomed out). */
export function ApprovalBar({ waiting, deciding, decide, onSelect }: BarProps) {
  if (waiting.length === 0) return null;
  return (
    <div className="approval-bar" role="region" aria-label="Waiting for approval">
      {waiting.map((n) => (
        <div key={n.node_id} className="row">
          <span>
            <strong className="mono">{n.node_id}</strong> waits for approval
            {n.estimated_cost_usd !== null ? ` (up to ${formatCost(n.estimated_cost_usd)})` : ""}
          </span>
          <button className="primary small-button" disabled={deciding.has(n.node_id)} onClick={() => decide(n.node_id, true)}>
            Approve {n.node_id}
          </button>
          <button className="small-button" disabled={deciding.has(n.node_id)} onClick={() => decide(n.node_id, false)}>
            Reject {n.node_id}
          </button>
          <button className="link-button small" onClick={() => onSelect(n.node_id)}>
            details
          </button>
        </div>
      ))}
    </div>
  );
}
