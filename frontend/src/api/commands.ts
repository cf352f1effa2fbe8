// Typed client for command cards and command runs (/api/commands/*).

import { api } from "./client";
import { RUN_SHELLS, type RunShell } from "./shells";

export type RiskLevel = "safe" | "caution" | "dangerous";
export type RunStatus = "running" | "succeeded" | "failed" | "timed_out" | "cancelled" | "interrupted";
/** A shell a card or run can use; the full list (with the Architect's) is in ./shells. */
export type Shell = RunShell;
export const SHELLS: Shell[] = RUN_SHELLS;
export const FINAL_STATUSES: RunStatus[] = ["succeeded", "failed", "timed_out", "cancelled", "interrupted"];

export interface Variable {
  name: string;
  description: string;
  default: string | null;
  required: boolean;
}

export interface RiskVerdict {
  level: RiskLevel;
  reasons: string[];
}

export interface LastRun {
  id: number;
  status: RunStatus;
  exit_code: number | null;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
}

export interface CardFields {
  name: string;
  command: string;
  description: string;
  tags: string[];
  shell: Shell;
  cwd: string | null;
  variables: Variable[];
}

export interface CardCreate extends CardFields {
  source?: "manual" | "architect";
  prompt?: string | null;
  provider?: string | null;
  model?: string | null;
  ledger_id?: number | null;
  explanation?: unknown;
}

export interface Card extends CardCreate {
  id: number;
  source: "manual" | "architect";
  risk: RiskVerdict;
  last_run: LastRun | null;
  created_at: string;
  updated_at: string;
}

export interface RunSummary {
  id: number;
  card_id: number | null;
  /** The card's current name; null for a one-off run (or a deleted card's). */
  card_name: string | null;
  command: string;
  status: RunStatus;
  exit_code: number | null;
  truncated: boolean;
  output_bytes: number;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
}

export interface Run extends RunSummary {
  shell: string;
  cwd: string | null;
  output: string;
  risk_level: RiskLevel | null;
  pid: number | null;
}

export interface RunRequest {
  card_id?: number;
  command?: string;
  shell?: Shell;
  cwd?: string;
  env?: Record<string, string>;
  timeout_s?: number;
  variables?: Record<string, string>;
  confirm?: boolean;
  /** From a preview or a 409: confirms exactly that rendered command with those values. */
  confirm_token?: string;
}

/** A value bound in the run's environment, and the placeholder it fills. */
export interface Binding {
  name: string;
  env: string;
  value: string;
}

/** What POST /commands/run would execute for a body: the exact command and its bindings. */
export interface RunPreview {
  command: string;
  shell: string;
  bindings: Binding[];
  effective: string;
  risk: RiskVerdict;
  nested: string[];
  needs_confirmation: boolean;
  typed_confirmation: boolean;
  confirm_token: string;
}

export interface ExportBundle {
  format: "forge-command-cards";
  version: 1;
  cards: CardCreate[];
}

/** Details of the 409 a dangerous command (or a nested-interpreter value) gets unconfirmed. */
export interface ConfirmationDetails {
  level: RiskLevel;
  reasons: string[];
  command: string;
  effective?: string;
  bindings?: Binding[];
  nested?: string[];
  confirm_token?: string;
}

export const listCards = (q?: string, tag?: string, signal?: AbortSignal) =>
  api<Card[]>("/commands", { query: { q, tag }, signal });
export const listTags = () => api<string[]>("/commands/tags");
export const getCard = (id: number) => api<Card>(`/commands/${id}`);
export const createCard = (body: CardCreate) => api<Card>("/commands", { method: "POST", body });
export const updateCard = (id: number, body: Partial<CardFields>) =>
  api<Card>(`/commands/${id}`, { method: "PUT", body });
export const deleteCard = (id: number) => api<void>(`/commands/${id}`, { method: "DELETE" });
export const exportCards = () => api<ExportBundle>("/commands/export");
export type OnDuplicate = "keep" | "skip" | "replace" | "ask";
export interface ImportResult {
  created: number;
  skipped: number;
  replaced: number;
  cards: Card[];
}
/** Details of the 409 `duplicate_cards` an import with on_duplicate=ask gets. */
export interface DuplicateDetails {
  duplicates: number;
  total: number;
  names: string[];
}
export const importCards = (bundle: unknown, onDuplicate: OnDuplicate) =>
  api<ImportResult>("/commands/import", { method: "POST", body: bundle, query: { on_duplicate: onDuplicate } });
export const analyzeCommand = (command: string, signal?: AbortSignal) =>
  api<RiskVerdict>("/commands/analyze", { method: "POST", body: { command }, signal });

export const previewRun = (body: RunRequest, signal?: AbortSignal) =>
  api<RunPreview>("/commands/preview", { method: "POST", body, signal });
export const startRun = (body: RunRequest) =>
  api<{ run: Run }>("/commands/run", { method: "POST", body }).then((r) => r.run);
export const getRun = (id: number) => api<Run>(`/commands/runs/${id}`);
export const listRuns = (cardId?: number, limit = 50) =>
  api<RunSummary[]>("/commands/runs", { query: { card_id: cardId, limit } });
export const cancelRun = (id: number) => api<Run>(`/commands/runs/${id}/cancel`, { method: "POST" });
export const runEventsPath = (id: number) => `/commands/runs/${id}/events`;

/** Placeholder names in a command, in order of first appearance (mirrors the server). */
export function placeholders(command: string): string[] {
  const names: string[] = [];
  for (const m of command.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}/g)) {
    const name = m[1] ?? "";
    if (name && !names.includes(name)) names.push(name);
  }
  return names;
}
