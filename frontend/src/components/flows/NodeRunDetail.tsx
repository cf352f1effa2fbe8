// One step of a run in detail: state, timing, tokens and cost, input, live output, error.

import { useEffect, useRef } from "react";
import type { NodeRun } from "../../api/flows";
import { Elapsed, formatMs } from "../Elapsed";
import { StepCalls } from "../ledger/StepCalls";
import { formatCost, formatTokens, formatWhen } from "./describe";

interface Props {
  rec: NodeRun;
  output: string;
  live: boolean;
  deciding: boolean;
  onDecide?: (approve: boolean) => void;
  onClose: () => void;
}

function Output({ text, live }: { text: string; live: boolean }) {
  const ref = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const el = ref.current;
    // Follow the tail while streaming, unless the user scrolled up to read.
    if (el && live && el.scrollHeight - el.scrollTop - el.clientHeight < 60) el.scrollTop = el.scrollHeight;
  }, [text, live]);
  return (
    <pre ref={ref} className="node-output" tabIndex={0} aria-label="Output">
      {text || "(no output)"}
    </pre>
  );
}

export function NodeRunDetail({ rec, output, live, deciding, onDecide, onClose }: Props) {
  const started = rec.started_at ? Date.parse(rec.started_at) : null;
  const tokens = rec.input_tokens !== null || rec.output_tokens !== null;
  return (
    <section className="node-run-detail" aria-label={`Step ${rec.node_id} in this run`}>
      <div className="row between">
        <h2>
          <span className="mono">{rec.node_id}</span> <span className={`badge ${rec.status}`}>{rec.status.replace("_", " ")}</span>
        </h2>
        <button className="icon-button" onClick={onClose} aria-label="Close step details">
          ×
        </button>
      </div>
      {rec.status === "awaiting_approval" && onDecide && (
        <div className="approval-box" role="group" aria-label="Approval">
          <p>
            This step waits for your decision
            {rec.estimated_cost_usd !== null ? `; it may cost up to ${formatCost(rec.estimated_cost_usd)}` : ""}.
          </p>
          <div className="row">
            <button className="primary" disabled={deciding} onClick={() => onDecide(true)}>
              Approve
            </button>
            <button disabled={deciding} onClick={() => onDecide(false)}>
              Reject
            </button>
          </div>
        </div>
      )}
      <dl className="facts">
        <dt>Started</dt>
        <dd>{formatWhen(rec.started_at)}</dd>
        <dt>Duration</dt>
        <dd>
          {rec.status === "running" && started !== null ? (
            <Elapsed since={started} />
          ) : rec.duration_ms !== null ? (
            formatMs(rec.duration_ms)
          ) : (
            "—"
          )}
        </dd>
        <dt>Attempts</dt>
        <dd>{rec.attempts}</dd>
        {rec.exit_code !== null && (
          <>
            <dt>Exit code</dt>
            <dd>{rec.exit_code}</dd>
          </>
        )}
        {tokens && (
          <>
            <dt>Tokens</dt>
            <dd>
              {formatTokens(rec.input_tokens)} in · {formatTokens(rec.output_tokens)} out
            </dd>
          </>
        )}
        {(rec.cost_usd !== null || rec.estimated_cost_usd !== null) && (
          <>
            <dt>Cost</dt>
            <dd>
              {formatCost(rec.cost_usd)}
              {rec.estimated_cost_usd !== null ? ` (estimated ≤ ${formatCost(rec.estimated_cost_usd)})` : ""}
            </dd>
          </>
        )}
      </dl>
      {(rec.type === "llm" || tokens) && <StepCalls nodeId={rec.node_id} />}
      {rec.error && (
        <p className="error-note" role="alert">
          {rec.error}
        </p>
      )}
      {rec.input && (
        <details open={rec.status !== "succeeded"}>
          <summary>Input</summary>
          <pre className="node-input">{rec.input}</pre>
        </details>
      )}
      <h3>Output{rec.output_truncated ? " (truncated)" : ""}</h3>
      <Output text={output} live={live && rec.status === "running"} />
      {rec.stderr && (
        <>
          <h3>Stderr</h3>
          <pre className="node-output">{rec.stderr}</pre>
        </>
      )}
      {rec.json !== null && rec.json !== undefined && (
        <details>
          <summary>JSON</summary>
          <pre>{JSON.stringify(rec.json, null, 2)}</pre>
        </details>
      )}
    </section>
  );
}
