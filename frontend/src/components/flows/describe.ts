// One-line summaries of a node's configuration and number formats shared by the flow screens.

import type { NodeType } from "../../api/flows";

const SYMBOL: Record<string, string> = { eq: "==", ne: "!=", lt: "<", le: "<=", gt: ">", ge: ">=" };

export function summarize(type: NodeType, data: Record<string, unknown>): string {
  const str = (v: unknown) => (v === undefined || v === null ? "" : String(v));
  switch (type) {
    case "shell":
      return data.card_id ? `card #${str(data.card_id)}` : str(data.command).split("\n")[0] || "no command yet";
    case "llm": {
      const who = [str(data.agent_role), str(data.model)].filter(Boolean).join(" · ");
      const prompt = str(data.prompt).split("\n")[0] || "no prompt yet";
      return who ? `${who}: ${prompt}` : prompt;
    }
    case "approval":
      return str(data.message) || "waits for a person";
    case "condition": {
      const src = str(data.source) || "?";
      const op = SYMBOL[str(data.operator)] ?? "==";
      const neg = data.negate ? "not " : "";
      switch (data.kind) {
        case "contains":
          return `${neg}${src} output contains “${str(data.value)}”`;
        case "matches":
          return `${neg}${src} output matches /${str(data.value)}/`;
        case "json":
          return `${neg}${src}.json.${str(data.path)} ${op} ${str(data.value)}`;
        default:
          return `${neg}${src} exit code ${op} ${str(data.value)}`;
      }
    }
    default:
      // A node type added on the server draws (without a summary) before one is written here.
      return "";
  }
}

export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return "—";
  if (usd === 0) return "$0";
  if (usd < 0.000001) return "< $0.000001";
  // Two significant digits keep tiny per-call costs readable ($0.000036, not $0.0000).
  if (usd < 0.01) return `$${Number(usd.toPrecision(2)).toFixed(Math.min(6, 1 - Math.floor(Math.log10(usd))))}`;
  return `$${usd.toFixed(2)}`;
}

export function formatWhen(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function formatTokens(n: number | null | undefined): string {
  return n === null || n === undefined ? "—" : n.toLocaleString();
}
