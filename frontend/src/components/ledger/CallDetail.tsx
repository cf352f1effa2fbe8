// One LLM call: who made it, its outcome, tokens, cost, timing, and its prompt and answer.

import { OUTCOME_LABEL, tokens, usd, type CallCapture, type LedgerItem } from "../../api/ledger";
import { useCall } from "../../hooks/useLedger";
import { formatMs, Spinner } from "../Elapsed";
import { ErrorNote } from "../ErrorNote";
import { CopyButton } from "../CopyButton";
import { useFlowNames } from "./flowNames";

export const STATUS_BADGE: Record<string, string> = { SUCCESS: "ok", FAILED: "bad", TIMEOUT: "warn", PENDING: "" };

/** The status badge, with the outcome where it says more than the status (cancelled, refused…). */
export function StatusBadge({ item }: { item: LedgerItem }) {
  const detail = item.outcome && item.outcome !== "ok" && item.outcome !== "timeout" ? (OUTCOME_LABEL[item.outcome] ?? item.outcome) : null;
  // A refusal or a stop is not the provider failing: shown muted, not red.
  const quiet = item.outcome === "budget_refused" || item.outcome === "cancelled";
  return (
    <span className={`badge ${quiet ? "" : (STATUS_BADGE[item.status] ?? "")}`} data-testid="call-status">
      {item.status}
      {detail ? ` · ${detail}` : ""}
    </span>
  );
}

function promptText(capture: CallCapture): string {
  return capture.messages.map((m) => `[${m.role}]\n${m.content}`).join("\n\n");
}

function Facts({ item }: { item: LedgerItem }) {
  const flowName = useFlowNames();
  const rows: [string, React.ReactNode][] = [
    ["Time", new Date(item.timestamp).toLocaleString()],
    ["Status", <StatusBadge key="s" item={item} />],
    ["Provider / model", `${item.provider} / ${item.model_used}${item.model_requested && item.model_requested !== item.model_used ? ` (asked for ${item.model_requested})` : ""}`],
    ["Role", item.agent_role ?? "—"],
    ["Flow", item.flow_id ? flowName(item.flow_id) : "—"],
    ["User / machine", `${item.user_name ?? "—"} / ${item.machine ?? "—"}`],
    ["Step", item.node_id ? `${item.node_id} (run ${item.run_id ?? "?"})` : "—"],
    [
      "Tokens",
      `${tokens(item.input_tokens)} in (${tokens(item.cached_input_tokens)} cached, ${tokens(item.cache_write_tokens)} cache write) · ${tokens(item.output_tokens)} out${item.usage_source === "estimated" ? " · estimated" : ""}`,
    ],
    ["Cost", `${usd(item.total_cost_usd)}${item.cost_status !== "priced" ? ` (${item.cost_status.replace("_", " ")})` : ""}`],
    ["Latency", formatMs(item.latency_ms)],
    ["Time to first token", item.ttft_ms === null ? "—" : formatMs(item.ttft_ms)],
    ["Attempts", String(item.attempts)],
  ];
  if (item.error_message) rows.push(["Error", item.error_message]);
  if (item.request_id) rows.push(["Request id", item.request_id]);
  return (
    <dl className="ledger-details">
      {rows.map(([k, v]) => (
        <div className="contents" key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function Capture({ capture }: { capture: CallCapture }) {
  if (capture.state !== "captured") {
    return (
      <p className="muted" data-testid="capture-state">
        {capture.message}
      </p>
    );
  }
  return (
    <>
      <section aria-label="Prompt" className="call-side">
        <div className="row between">
          <h3>Prompt{capture.request_truncated ? " (truncated)" : ""}</h3>
          <CopyButton text={promptText(capture)} label="Copy prompt" />
        </div>
        {capture.messages.map((m, i) => (
          <div key={i} className="call-message">
            <span className="badge">{m.role}</span>
            <pre className="call-text">{m.content}</pre>
          </div>
        ))}
      </section>
      <section aria-label="Answer" className="call-side">
        <div className="row between">
          <h3>Answer{capture.response_truncated ? " (truncated)" : ""}</h3>
          {capture.response !== null && <CopyButton text={capture.response} label="Copy answer" />}
        </div>
        {capture.response === null ? (
          <p className="muted">No answer: the provider was not asked or did not reply.</p>
        ) : (
          <pre className="call-text">{capture.response || "(empty)"}</pre>
        )}
      </section>
    </>
  );
}

export function CallDetail({ id }: { id: number }) {
  const q = useCall(id);
  if (q.isPending) return <Spinner label={`Loading call #${id}`} />;
  if (q.error) return <ErrorNote error={q.error} />;
  return (
    <div className="call-detail" data-testid="call-detail">
      <Facts item={q.data.call} />
      <Capture capture={q.data.capture} />
    </div>
  );
}
