// Reads a Server-Sent Events response from fetch (POST bodies are not possible with EventSource).

import { apiUrl, toApiError, type Query } from "./client";
import { sessionHeaders } from "./session";

export interface SseEvent {
  event: string;
  data: string;
}

export interface StreamOptions {
  method?: "GET" | "POST";
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
}

export async function* streamSse(
  path: string,
  options: StreamOptions = {},
): AsyncGenerator<SseEvent, void, undefined> {
  const res = await fetch(apiUrl(path, options.query), {
    method: options.method ?? "POST",
    credentials: "same-origin",
    signal: options.signal,
    headers: { ...sessionHeaders(), "Content-Type": "application/json", Accept: "text/event-stream" },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (!res.ok || !res.body) throw await toApiError(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replace(/\r\n/g, "\n");
    let split = buffer.indexOf("\n\n");
    while (split >= 0) {
      const raw = buffer.slice(0, split);
      buffer = buffer.slice(split + 2);
      const parsed = parseBlock(raw);
      if (parsed) yield parsed;
      split = buffer.indexOf("\n\n");
    }
  }
}

export function parseBlock(raw: string): SseEvent | null {
  let event = "message";
  const data: string[] = [];
  for (const line of raw.split("\n")) {
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return data.length ? { event, data: data.join("\n") } : null;
}
