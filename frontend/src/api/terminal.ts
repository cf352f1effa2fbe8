// Typed calls for terminal sessions, secret redaction and saving a command card from the terminal.

import { api } from "./client";

export interface TerminalSession {
  id: string;
  /** Its tab number for its whole life (closing another tab never renumbers it). */
  number: number;
  pid: number;
  shell: string;
  cwd: string;
  rows: number;
  cols: number;
  created_at: string;
  status: "running" | "exited";
  exit_code: number | null;
  attached: boolean;
  scrollback_bytes: number;
}

export interface CreateSessionBody {
  shell?: string;
  cwd?: string;
  rows?: number;
  cols?: number;
}

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

export const listSessions = () => api<TerminalSession[]>("/terminal/sessions");

export const createSession = (body: CreateSessionBody) =>
  api<TerminalSession>("/terminal/sessions", { method: "POST", body });

export const closeSession = (id: string) =>
  api<TerminalSession>(`/terminal/sessions/${encodeURIComponent(id)}`, { method: "DELETE" });

export const sessionSocketPath = (id: string) => `/terminal/sessions/${encodeURIComponent(id)}/ws`;

export async function redactText(text: string): Promise<string> {
  const res = await api<{ text: string }>("/terminal/redact", { method: "POST", body: { text } });
  return res.text;
}

export interface NewCommandCard {
  name: string;
  command: string;
  description: string;
}

/** Creates a card in the command deck (the commands API); throws ApiError with the server's message. */
export const saveCommandCard = (card: NewCommandCard) =>
  api<{ id: number | string; name: string }>("/commands", {
    method: "POST",
    body: { ...card, tags: ["terminal"] },
  });
