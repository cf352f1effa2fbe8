// Typed calls for the Architect: generate / revise (JSON or streamed), the card it stored, models.

import { call, client } from "./client";
import type { components } from "./schema.gen";
import { ARCHITECT_SHELLS, type ArchitectShell } from "./shells";
import { streamSse } from "./sse";

export { deleteCard, updateCard } from "./commands";

type S = components["schemas"];

export type Shell = ArchitectShell;
export const SHELLS: Shell[] = ARCHITECT_SHELLS;

export type ExplanationPart = S["ExplanationPart"];
/** The card a generation stored: a command card (source "architect"). */
export type ArchitectCard = S["Card"];
export type GenerationUsage = S["GenerationUsage"];
export type Revision = S["Revision"];
export type Generation = S["Generation"];
export type GenerateBody = S["GenerateRequest"];
export type ReviseBody = S["ReviseRequest"];

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
  // The stream's events are not in the OpenAPI (text/event-stream); their payloads are its shapes.
  for await (const ev of streamSse(path, { method: "POST", body, signal })) {
    if (ev.event === "delta") {
      yield { kind: "delta", text: (JSON.parse(ev.data) as { text: string }).text };
    } else if (ev.event === "result") {
      yield { kind: "result", generation: JSON.parse(ev.data) as Generation };
    } else if (ev.event === "error") {
      const { error } = JSON.parse(ev.data) as S["ErrorResponse"];
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

export const generate = (body: GenerateBody) => call(client.POST("/api/architect/generate", { body }));

/** GET /api/llm/models: providers with their set-up status, and the models each offers. */
export type ProviderInfo = S["ProviderInfo"];
export type ModelInfo = S["ModelInfo"];
export type ModelCatalog = S["ModelCatalog"];

export const getModelCatalog = () => call(client.GET("/api/llm/models"));

/** What "Default" resolves to: the architect role's model when it fits, else the provider's. */
export type DefaultModel = S["DefaultModel"];

export const getDefaultModel = (provider: string) =>
  call(client.GET("/api/architect/default-model", { params: { query: { provider } } }));

/** Providers a generation can use right now. */
export function usableProviders(catalog: ModelCatalog | undefined): ProviderInfo[] {
  return (catalog?.providers ?? []).filter((p) => p.enabled && p.configured);
}
