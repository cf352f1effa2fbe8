// Typed calls for the Architect: generate / revise (JSON or streamed), the card it stored, models.

import { api } from "./client";
import { streamSse } from "./sse";
import { ARCHITECT_SHELLS, type ArchitectShell } from "./shells";

export type Shell = ArchitectShell;
export const SHELLS: Shell[] = ARCHITECT_SHELLS;

export interface ExplanationPart {
  part: string;
  meaning: string;
}

export interface ArchitectCard {
  id: number;
  name: string;
  command: string;
  description: string;
  tags: string[];
  shell: string;
  cwd: string | null;
  source: string;
  prompt: string | null;
  provider: string | null;
  model: string | null;
  ledger_id: number | null;
  explanation: unknown;
  risk: { level: "safe" | "caution" | "dangerous"; reasons: string[] };
  created_at: string;
  updated_at: string;
}

export interface GenerationUsage {
  input_tokens: number;
  output_tokens: number;
  total_cost_usd: number | null;
  latency_ms: number;
  usage_source: string;
}

export interface Revision {
  previous_card_id: number;
  previous_deleted: boolean;
  feedback: string;
}

export interface Generation {
  card: ArchitectCard;
  explanation: ExplanationPart[];
  assumptions: string[];
  usage: GenerationUsage;
  ledger_id: number;
  provider: string;
  model: string;
  shell: Shell;
  os: string;
  answer_format: string;
  revision: Revision | null;
}

export interface GenerateBody {
  prompt: string;
  provider?: string;
  model?: string;
  shell?: Shell;
  os?: string;
  cwd?: string;
}

export interface ReviseBody {
  card_id: number;
  feedback: string;
  provider?: string;
  model?: string;
  replace?: boolean;
}

export interface CardPatch {
  name?: string;
  command?: string;
  description?: string;
}

/** What a streamed generation emits: text as it arrives, then the stored result. */
export type ArchitectEvent = { kind: "delta"; text: string } | { kind: "result"; generation: Generation };

export class StreamError extends Error {
  readonly code: string;
  readonly details: unknown;

  constructor(code: string, message: string, details: unknown) {
    super(message);
    this.name = "StreamError";
    this.code = code;
    this.details = details;
  }
}

async function* readArchitectStream(
  path: string,
  body: GenerateBody | ReviseBody,
  signal?: AbortSignal,
): AsyncGenerator<ArchitectEvent, void, undefined> {
  for await (const ev of streamSse(path, { method: "POST", body, signal })) {
    if (ev.event === "delta") {
      yield { kind: "delta", text: (JSON.parse(ev.data) as { text: string }).text };
    } else if (ev.event === "result") {
      yield { kind: "result", generation: JSON.parse(ev.data) as Generation };
    } else if (ev.event === "error") {
      const { error } = JSON.parse(ev.data) as { error: { code: string; message: string; details: unknown } };
      throw new StreamError(error.code, error.message, error.details);
    }
  }
}

export function generateStream(body: GenerateBody, signal?: AbortSignal) {
  return readArchitectStream("/architect/generate/stream", body, signal);
}

export function reviseStream(body: ReviseBody, signal?: AbortSignal) {
  return readArchitectStream("/architect/revise/stream", body, signal);
}

export function generate(body: GenerateBody): Promise<Generation> {
  return api<Generation>("/architect/generate", { method: "POST", body });
}

export function updateCard(id: number, patch: CardPatch): Promise<ArchitectCard> {
  return api<ArchitectCard>(`/commands/${id}`, { method: "PUT", body: patch });
}

export function deleteCard(id: number): Promise<void> {
  return api<void>(`/commands/${id}`, { method: "DELETE" });
}

/** GET /api/llm/models: providers with their set-up status, and the models each offers. */
export interface ProviderInfo {
  name: string;
  label: string;
  kind: "openai" | "anthropic" | "compatible";
  enabled: boolean;
  configured: boolean;
  default_model: string | null;
  local: boolean;
}

export interface ModelInfo {
  provider: string;
  model: string;
  configured: boolean;
  is_default: boolean;
  price: { input_per_mtok: number; output_per_mtok: number } | null;
  cost_status: "priced" | "free" | "unpriced";
}

export interface ModelCatalog {
  providers: ProviderInfo[];
  models: ModelInfo[];
}

export function getModelCatalog(): Promise<ModelCatalog> {
  return api<ModelCatalog>("/llm/models");
}

/** What "Default" resolves to: the architect role's model when it fits, else the provider's. */
export interface DefaultModel {
  provider: string | null;
  model: string | null;
  source: "role" | "provider" | "none";
  role_model: string | null;
}

export function getDefaultModel(provider: string): Promise<DefaultModel> {
  const query = provider ? `?provider=${encodeURIComponent(provider)}` : "";
  return api<DefaultModel>(`/architect/default-model${query}`);
}

/** Providers a generation can use right now. */
export function usableProviders(catalog: ModelCatalog | undefined): ProviderInfo[] {
  return (catalog?.providers ?? []).filter((p) => p.enabled && p.configured);
}
