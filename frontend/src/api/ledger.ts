// Typed client for the ledger list, analytics, budgets and optimizer endpoints.

import { api, apiUrl } from "./client";

export type LedgerStatus = "SUCCESS" | "FAILED" | "TIMEOUT";
export type GroupBy = "day" | "model" | "provider" | "agent_role" | "flow_id";

export interface LedgerFilters {
  model?: string;
  provider?: string;
  agent_role?: string;
  flow_id?: string;
  status?: LedgerStatus | "";
  since?: string;
  until?: string;
  /** List only (the rollups keep neither): one flow run's step. */
  run_id?: string;
  node_id?: string;
}

/** Why a row has its status; budget_refused and cancelled are FAILED but not failures. */
export type Outcome =
  | "ok"
  | "budget_refused"
  | "cancelled"
  | "provider_error"
  | "timeout"
  | "not_configured"
  | "invalid_request"
  | "interrupted"
  | "error";

export const OUTCOME_LABEL: Record<Outcome, string> = {
  ok: "ok",
  budget_refused: "budget refused",
  cancelled: "cancelled",
  provider_error: "provider error",
  timeout: "timeout",
  not_configured: "not configured",
  invalid_request: "invalid request",
  interrupted: "interrupted",
  error: "error",
};

export interface LedgerItem {
  id: number;
  timestamp: string;
  flow_id: string | null;
  model_used: string;
  agent_role: string | null;
  prompt_hash: string;
  input_tokens: number;
  output_tokens: number;
  total_cost_usd: number | null;
  latency_ms: number;
  status: LedgerStatus;
  error_message: string | null;
  provider: string;
  outcome: Outcome | null;
  model_requested: string | null;
  attempts: number;
  usage_source: string;
  cached_input_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  ttft_ms: number | null;
  request_id: string | null;
  cost_status: string;
  max_tokens: number | null;
  streamed: boolean;
  run_id: string | null;
  node_id: string | null;
  [column: string]: string | number | boolean | null;
}

export interface CallCapture {
  state: "captured" | "off" | "expired" | "not_captured" | "pending";
  message: string;
  messages: { role: string; content: string }[];
  response: string | null;
  request_bytes: number;
  response_bytes: number;
  request_truncated: boolean;
  response_truncated: boolean;
  created_at: string | null;
}

export interface CallDetail {
  call: LedgerItem;
  capture: CallCapture;
}

export interface LedgerPage {
  items: LedgerItem[];
  next_cursor: string | null;
}

export interface SummaryRow {
  key: string | null;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  failures: number;
  timeouts: number;
  refusals: number;
  cancellations: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
}

export interface Summary {
  group_by: GroupBy;
  totals: SummaryRow;
  groups: SummaryRow[];
  /** "approximate": p50/p95 read from latency histograms, within 2.5 % of the exact values. */
  percentiles: "exact" | "approximate";
}

/** Shown before latency percentiles that come from the histograms. */
export const APPROX_TITLE = "Approximate: read from latency histograms, within 2.5 % of the exact value";

export interface RepriceRow {
  provider: string;
  model: string;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  actual_cost_usd: number;
  whatif_cost_usd: number;
  unpriced_calls: number;
}

export interface Reprice {
  model: string;
  provider: string;
  input_per_mtok: number;
  output_per_mtok: number;
  calls: number;
  actual_cost_usd: number;
  whatif_cost_usd: number;
  difference_usd: number;
  unpriced_calls: number;
  rows: RepriceRow[];
}

export type BudgetScope = "global" | "flow" | "provider";
export interface BudgetSpec {
  scope: BudgetScope;
  target?: string | null;
  period: "day" | "month";
  limit_usd: number;
  soft_limit_usd?: number | null;
  hard: boolean;
}
export interface Budget extends BudgetSpec {
  id: number;
}
export interface BudgetState {
  budget: Budget;
  label: string;
  period_start: string;
  resets_at: string;
  limit_usd: number;
  soft_limit_usd: number | null;
  spent_usd: number;
  reserved_usd: number;
  remaining_usd: number;
  average_call_usd: number | null;
  remaining_calls: number | null;
  used_fraction: number;
  level: "ok" | "warn" | "exceeded";
}
export interface BudgetStatus {
  budgets: BudgetState[];
  warnings: string[];
}

export interface Suggestion {
  id: string;
  kind: "cheaper_model" | "repeated_prompt" | "long_prompt" | "failure_rate" | "max_tokens";
  title: string;
  explanation: string;
  figures: Record<string, string | number | null>;
  monthly_savings_usd: number;
  target: Record<string, string | number | null>;
  change: Record<string, unknown>;
  applicable: boolean;
  status: "open" | "applied" | "dismissed";
  action_id: number | null;
}
export interface SuggestionList {
  window_days: number;
  since: string;
  suggestions: Suggestion[];
}
export interface OptimizationAction {
  id: number;
  suggestion_id: string;
  action: "apply" | "dismiss";
  kind: string | null;
  title: string | null;
  created_at: string;
  undone_at: string | null;
  result: Record<string, unknown> | null;
}

type Query = Record<string, string | number | boolean | null | undefined>;

export function filterQuery(filters: LedgerFilters): Query {
  return { ...filters, status: filters.status || undefined };
}

export const listLedger = (filters: LedgerFilters, cursor?: string, signal?: AbortSignal) =>
  api<LedgerPage>("/ledger", { query: { ...filterQuery(filters), limit: 50, cursor }, signal });

export const getCall = (id: number, signal?: AbortSignal) => api<CallDetail>(`/ledger/calls/${id}`, { signal });

export const getSummary = (filters: LedgerFilters, groupBy: GroupBy, signal?: AbortSignal) =>
  api<Summary>("/ledger/summary", { query: { ...filterQuery(filters), group_by: groupBy }, signal });

export function exportUrl(filters: LedgerFilters, format: "csv" | "jsonl"): string {
  return apiUrl("/ledger/export", { ...filterQuery(filters), format });
}

export function getReprice(filters: LedgerFilters, model: string, signal?: AbortSignal) {
  const { model: fromModel, ...rest } = filterQuery(filters);
  return api<Reprice>("/ledger/reprice", { query: { ...rest, from_model: fromModel, model }, signal });
}

export const getBudgets = () => api<{ budgets: Budget[] }>("/budgets");
export const putBudgets = (budgets: BudgetSpec[]) =>
  api<{ budgets: Budget[] }>("/budgets", { method: "PUT", body: { budgets } });
export const getBudgetStatus = () => api<BudgetStatus>("/budgets/status");

export const getSuggestions = () => api<SuggestionList>("/optimizations");
export const getActions = () => api<{ actions: OptimizationAction[] }>("/optimizations/actions");
export const applySuggestion = (id: string) =>
  api<OptimizationAction>(`/optimizations/${id}/apply`, { method: "POST" });
export const dismissSuggestion = (id: string) =>
  api<OptimizationAction>(`/optimizations/${id}/dismiss`, { method: "POST" });
export const undoAction = (id: number) =>
  api<OptimizationAction>(`/optimizations/actions/${id}/undo`, { method: "POST" });

export function usd(value: number | null | undefined, digits?: number): string {
  if (value === null || value === undefined) return "—";
  if (value === 0 && digits === undefined) return "$0.00";
  const d = digits ?? (Math.abs(value) >= 1 ? 2 : Math.abs(value) >= 0.01 ? 4 : 6);
  return `$${value.toFixed(d)}`;
}

export function tokens(value: number): string {
  return value >= 1_000_000 ? `${(value / 1_000_000).toFixed(2)}M` : value >= 10_000 ? `${(value / 1000).toFixed(1)}k` : String(value);
}

/** A money axis tick: $0, $0.005, $0.01, $1.20, $15 — as many decimals as the step needs. */
export function usdTick(value: number, step: number): string {
  if (value === 0) return "$0";
  const decimals = step >= 1 ? (Number.isInteger(value) ? 0 : 2) : Math.min(6, Math.max(2, Math.ceil(-Math.log10(step))));
  const text = value.toFixed(decimals);
  // Trailing zeros beyond cents say nothing: $0.0100 -> $0.01.
  return `$${decimals > 2 ? text.replace(/(\.\d{2}\d*?)0+$/, "$1") : text}`;
}

/** The tick formatter for one axis, given the ticks' step (a fifth of the largest value). */
export function usdAxis(max: number): (value: number) => string {
  const step = max > 0 ? max / 5 : 1;
  return (value: number) => usdTick(value, step);
}
