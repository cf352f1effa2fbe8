// Typed calls for terminal sessions, secret redaction and saving a command card from the terminal.

import { call, client } from "./client";
import { createCard, type CardCreate } from "./commands";
import type { components } from "./schema.gen";

/** A terminal session; `number` is its tab number for its whole life (never renumbered). */
export type TerminalSession = components["schemas"]["SessionInfo"];
export type CreateSessionBody = components["schemas"]["SessionCreate"];

// The WebSocket's frames are not in the OpenAPI (terminal/protocol.py defines them).

/** Frames the server sends over /api/terminal/sessions/{id}/ws. */
export type ServerFrame =
  | { type: "ready"; session: TerminalSession }
  | { type: "replay"; data: string; bytes: number }
  | { type: "output"; data: string; bytes: number }
  | { type: "exit"; code: number | null }
  | { type: "error"; code: string; message: string }
  | { type: "detached"; reason: string };

/** Frames the browser sends. `ack.bytes` sums the `bytes` of output/replay frames consumed. */
export type ClientFrame =
  | { type: "input"; data: string }
  | { type: "resize"; rows: number; cols: number }
  | { type: "ack"; bytes: number };

export const listSessions = () => call(client.GET("/api/terminal/sessions"));

export const createSession = (body: CreateSessionBody) => call(client.POST("/api/terminal/sessions", { body }));

export const closeSession = (id: string) =>
  call(client.DELETE("/api/terminal/sessions/{session_id}", { params: { path: { session_id: id } } }));

export const sessionSocketPath = (id: string) => `/terminal/sessions/${encodeURIComponent(id)}/ws`;

export async function redactText(text: string): Promise<string> {
  const res = await call(client.POST("/api/terminal/redact", { body: { text } }));
  return res.text;
}

export type NewCommandCard = Pick<CardCreate, "name" | "command" | "description">;

/** Creates a card in the command deck (the commands API); throws ApiError with the server's message. */
export const saveCommandCard = (card: NewCommandCard) => createCard({ ...card, tags: ["terminal"] });
