// Typed client for command cards and command runs (/api/commands/*).

import { call, callEmpty, client } from "./client";
import type { components, operations } from "./schema.gen";
import { RUN_SHELLS, type RunShell } from "./shells";

type S = components["schemas"];

export type RiskVerdict = S["RiskVerdict"];
export type RiskLevel = RiskVerdict["level"];
export type Run = S["Run"];
export type RunStatus = Run["status"];
/** A shell a card or run can use; the full list (with the Architect's) is in ./shells. */
export type Shell = RunShell;
export const SHELLS: Shell[] = RUN_SHELLS;
export const FINAL_STATUSES: RunStatus[] = ["succeeded", "failed", "timed_out", "cancelled", "interrupted"];

export type Variable = S["Variable-Output"];
export type LastRun = S["LastRun"];
export type Card = S["Card"];
export type CardCreate = S["CardCreate-Input"];
/** The fields the card form edits, as a card has them. */
export type CardFields = Pick<Card, "name" | "command" | "description" | "tags" | "shell" | "cwd" | "variables">;
export type RunSummary = S["forge_orchestrator__commands__models__RunSummary"];
export type RunRequest = S["RunRequest"];
/** A value bound in the run's environment, and the placeholder it fills. */
export type Binding = S["Binding"];
/** What POST /commands/run would execute for a body: the exact command and its bindings. */
export type RunPreview = S["RunPreview"];
export type ExportBundle = S["ExportBundle"];
export type ImportResult = S["ImportResult"];
export type OnDuplicate = NonNullable<
  NonNullable<operations["import_cards_api_commands_import_post"]["parameters"]["query"]>["on_duplicate"]
>;

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

/** Details of the 409 `duplicate_cards` an import with on_duplicate=ask gets. */
export interface DuplicateDetails {
  duplicates: number;
  total: number;
  names: string[];
}

const byId = (card_id: number) => ({ params: { path: { card_id } } });
const byRun = (run_id: number) => ({ params: { path: { run_id } } });

export const listCards = (q?: string, tag?: string, signal?: AbortSignal) =>
  call(client.GET("/api/commands", { params: { query: { q, tag } }, signal }));
export const listTags = () => call(client.GET("/api/commands/tags"));
export const getCard = (id: number) => call(client.GET("/api/commands/{card_id}", byId(id)));
export const createCard = (body: CardCreate) => call(client.POST("/api/commands", { body }));
export const updateCard = (id: number, body: S["CardUpdate"]) =>
  call(client.PUT("/api/commands/{card_id}", { ...byId(id), body }));
export const deleteCard = (id: number) => callEmpty(client.DELETE("/api/commands/{card_id}", byId(id)));
export const exportCards = () => call(client.GET("/api/commands/export"));
/** `bundle` is a file the user picked, sent as read: the server validates it and says what is wrong. */
export const importCards = (bundle: unknown, onDuplicate: OnDuplicate) =>
  call(
    client.POST("/api/commands/import", {
      params: { query: { on_duplicate: onDuplicate } },
      body: bundle as ExportBundle,
    }),
  );
export const analyzeCommand = (command: string, signal?: AbortSignal) =>
  call(client.POST("/api/commands/analyze", { body: { command }, signal }));

export const previewRun = (body: RunRequest, signal?: AbortSignal) =>
  call(client.POST("/api/commands/preview", { body, signal }));
export const startRun = (body: RunRequest) => call(client.POST("/api/commands/run", { body })).then((r) => r.run);
export const getRun = (id: number) => call(client.GET("/api/commands/runs/{run_id}", byRun(id)));
export const listRuns = (cardId?: number, limit = 50) =>
  call(client.GET("/api/commands/runs", { params: { query: { card_id: cardId, limit } } }));
export const cancelRun = (id: number) => call(client.POST("/api/commands/runs/{run_id}/cancel", byRun(id)));
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
