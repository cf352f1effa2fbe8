// The node drawn on the canvas for every type: summary, validation badge and live run state.

import { Handle, Position, type NodeProps, type NodeTypes } from "@xyflow/react";
import { memo, useMemo } from "react";
import type { NodeType } from "../../api/flows";
import { useNodeType, useNodeTypes } from "../../hooks/useNodeTypes";
import { Elapsed, formatMs } from "../Elapsed";
import { useCanvasInfo } from "./canvasContext";
import { formatCost, summarize } from "./describe";
import type { FlowNode } from "./graph";

const STATUS_LABEL: Record<string, string> = {
  pending: "pending",
  queued: "queued",
  running: "running",
  awaiting_approval: "awaiting approval",
  succeeded: "succeeded",
  failed: "failed",
  skipped: "skipped",
  cancelled: "cancelled",
  interrupted: "interrupted",
};

function RunState({ nodeId }: { nodeId: string }) {
  const { runNodes, decide, deciding } = useCanvasInfo();
  const rec = runNodes.get(nodeId);
  if (!rec) return null;
  const started = rec.started_at ? Date.parse(rec.started_at) : null;
  return (
    <div className="fnode-run" data-testid={`node-state-${nodeId}`} data-status={rec.status}>
      <span className={`badge ${rec.status}`}>{STATUS_LABEL[rec.status] ?? rec.status}</span>
      {rec.status === "running" && started !== null && <Elapsed since={started} />}
      {rec.duration_ms !== null && rec.status !== "running" && (
        <span className="muted small">{formatMs(rec.duration_ms)}</span>
      )}
      {rec.exit_code !== null && <span className="muted small">exit {rec.exit_code}</span>}
      {rec.attempts > 1 && <span className="muted small">try {rec.attempts}</span>}
      {rec.status === "awaiting_approval" && (
        <div className="fnode-approve nodrag nopan">
          {rec.estimated_cost_usd !== null && (
            <span className="small">est. {formatCost(rec.estimated_cost_usd)}</span>
          )}
          {decide && (
            <div className="row">
              <button
                className="primary small-button"
                disabled={deciding.has(nodeId)}
                onClick={(e) => {
                  e.stopPropagation();
                  decide(nodeId, true);
                }}
              >
                Approve
              </button>
              <button
                className="small-button"
                disabled={deciding.has(nodeId)}
                onClick={(e) => {
                  e.stopPropagation();
                  decide(nodeId, false);
                }}
              >
                Reject
              </button>
            </div>
          )}
        </div>
      )}
      {rec.status === "failed" && rec.error && <div className="fnode-error">{rec.error}</div>}
    </div>
  );
}

function FlowNodeViewImpl({ id, type, data, selected }: NodeProps<FlowNode>) {
  const { issues, runNodes } = useCanvasInfo();
  const problems = issues.get(id) ?? [];
  const status = runNodes.get(id)?.status;
  const nodeType = type as NodeType;
  const info = useNodeType(nodeType);
  const label = typeof data.label === "string" && data.label ? data.label : null;
  const classes = [
    "fnode",
    `fnode-${nodeType}`,
    selected ? "selected" : "",
    problems.length ? "invalid" : "",
    status ? `state-${status}` : "",
  ];
  return (
    <div className={classes.filter(Boolean).join(" ")} data-testid={`flow-node-${id}`}>
      <Handle type="target" position={Position.Left} aria-label={`${id} input`} />
      <div className="fnode-head">
        <span className="fnode-icon" aria-hidden>
          {info?.icon ?? "•"}
        </span>
        <span className="fnode-title">{label ?? id}</span>
        <span className="fnode-type">{nodeType}</span>
      </div>
      {label && <div className="fnode-id mono">{id}</div>}
      <div className="fnode-summary">{summarize(nodeType, data)}</div>
      {problems.length > 0 && (
        <ul className="fnode-issues" aria-label={`${problems.length} problem${problems.length > 1 ? "s" : ""}`}>
          {problems.slice(0, 3).map((p, i) => (
            <li key={i}>
              {p.field ? <strong>{p.field}: </strong> : null}
              {p.message}
            </li>
          ))}
          {problems.length > 3 && <li>and {problems.length - 3} more</li>}
        </ul>
      )}
      <RunState nodeId={id} />
      {info?.branches ? (
        <>
          <Handle type="source" id="true" position={Position.Right} style={{ top: "35%" }} aria-label={`${id} true`} />
          <span className="fnode-branch fnode-branch-true">true</span>
          <Handle type="source" id="false" position={Position.Right} style={{ top: "75%" }} aria-label={`${id} false`} />
          <span className="fnode-branch fnode-branch-false">false</span>
        </>
      ) : (
        <Handle type="source" position={Position.Right} aria-label={`${id} output`} />
      )}
    </div>
  );
}

export const FlowNodeView = memo(FlowNodeViewImpl);

/** React Flow's renderer map: every node type the server reports draws with FlowNodeView. */
export function useCanvasNodeTypes(): NodeTypes {
  const types = useNodeTypes().data;
  return useMemo(() => Object.fromEntries((types ?? []).map((t) => [t.type, FlowNodeView])), [types]);
}
