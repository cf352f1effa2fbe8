// Typed client for the ledger list, analytics, budgets and optimizer endpoints.

import { apiUrl, call, client } from "./client";
import type { components, operations } from "./schema.gen";

type S = components["schemas"];
type ListQuery = NonNullable<operations["list_ledger_api_ledger_get"]["parameters"]["query"]>;

export type LedgerStatus = NonNullable<ListQuery["status"]>;
export type GroupBy = S["Summary"]["group_by"];

/** The filter bar's state: the list's filters ("" status: any). run_id and node_id: list only. */
export type LedgerFilters = {
  [K in
    | "model"
    | "provider"
    | "agent_role"
    | "flow_id"
    | "user_name"
    | "machine"
    | "since"
    | "until"
    | "run_id"
    | "node_id"]?: NonNullable<ListQuery[K]>;
} & { status?: LedgerStatus | "" };

/** Why a row has its status; budget_refused and cancelled are FAILED but not failures. */
export type Outcome = NonNullable<ListQuery["outcome"]>;

/** A row's outcome in words; an outcome this UI does not know is shown as sent. */
export const OUTCOME_LABEL: Readonly<Record<string, string | undefined>> = {
  ok: "ok",
  budget_refused: "budget refused",
  cancelled: "cancelled",
  provider_error: "provider error",
  timeout: "timeout",
  not_configured: "not configured",
  invalid_request: "invalid request",
  interrupted: "interrupted",
  error: "error",
} satisfies Record<Outcome, string>;

export type LedgerItem = S["LedgerItem"];
export type CallCapture = S["CallCapture"];
export type CallDetail = S["CallDetail"];
export type LedgerPage = S["LedgerPage"];
export type SummaryRow = S["SummaryRow"];
export type Summary = S["Summary"];

/** Shown before latency percentiles that come from the histograms. */
export const APPROX_TITLE = "Approximate: read from latency histograms, within 2.5 % of the exact value";

export type RepriceRow = S["RepriceRow"];
export type Reprice = S["Reprice"];

export type BudgetSpec = S["BudgetSpec"];
export type BudgetScope = BudgetSpec["scope"];
export type Budget = S["Budget"];
export type BudgetState = S["BudgetState"];
export type BudgetStatus = S["BudgetStatus"];

export type Suggestion = S["Suggestion"];
export type SuggestionList = S["SuggestionList"];
export type OptimizationAction = S["Action"];

export function filterQuery(filters: LedgerFilters): ListQuery {
  return { ...filters, status: filters.status || undefined };
}

export const listLedger = (filters: LedgerFilters, cursor?: string, signal?: AbortSignal) =>
  call(client.GET("/api/ledger", { params: { query: { ...filterQuery(filters), limit: 50, cursor } }, signal }));

export const getCall = (id: number, signal?: AbortSignal) =>
  call(client.GET("/api/ledger/calls/{call_id}", { params: { path: { call_id: id } }, signal }));

export const getSummary = (filters: LedgerFilters, groupBy: GroupBy, signal?: AbortSignal) =>
  call(client.GET("/api/ledger/summary", { params: { query: { ...filterQuery(filters), group_by: groupBy } }, signal }));

export function exportUrl(filters: LedgerFilters, format: "csv" | "jsonl"): string {
  return apiUrl("/ledger/export", { ...filterQuery(filters), format });
}

export function getReprice(filters: LedgerFilters, model: string, signal?: AbortSignal) {
  const { model: fromModel, ...rest } = filterQuery(filters);
  return call(client.GET("/api/ledger/reprice", { params: { query: { ...rest, from_model: fromModel, model } }, signal }));
}

export const getBudgets = () => call(client.GET("/api/budgets"));
export const putBudgets = (budgets: BudgetSpec[]) => call(client.PUT("/api/budgets", { body: { budgets } }));
export const getBudgetStatus = () => call(client.GET("/api/budgets/status"));

export const getSuggestions = () => call(client.GET("/api/optimizations"));
export const getActions = () => call(client.GET("/api/optimizations/actions"));
export const applySuggestion = (id: string) =>
  call(client.POST("/api/optimizations/{suggestion_id}/apply", { params: { path: { suggestion_id: id } } }));
export const dismissSuggestion = (id: string) =>
  call(client.POST("/api/optimizations/{suggestion_id}/dismiss", { params: { path: { suggestion_id: id } } }));
export const undoAction = (id: number) =>
  call(client.POST("/api/optimizations/actions/{action_id}/undo", { params: { path: { action_id: id } } }));

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
