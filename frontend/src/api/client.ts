// One typed client: same-origin fetch with the session cookie + X-Forge-Session header, parsing the
// one error shape; single-use tickets for the WebSocket and EventSource URLs (no custom headers).

import { sessionHeaders } from "./session";

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== "object" || value === null || !("error" in value)) return false;
  const err = (value as { error: unknown }).error;
  return typeof err === "object" && err !== null && "message" in err && "code" in err;
}

export async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy error page, say): fall through to a generic message.
  }
  if (isErrorBody(body)) {
    return new ApiError(res.status, body.error.code, body.error.message, body.error.details);
  }
  return new ApiError(res.status, "http_error", `Request failed with HTTP ${res.status}`);
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  query?: Record<string, string | number | boolean | null | undefined>;
  signal?: AbortSignal;
}

export function apiUrl(path: string, query?: RequestOptions["query"]): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const qs = params.toString();
  return `/api${path}${qs ? `?${qs}` : ""}`;
}

/** Calls the API and returns the parsed JSON, or throws ApiError with the server's message. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = "GET", body, query, signal } = options;
  let res: Response;
  try {
    res = await fetch(apiUrl(path, query), {
      method,
      signal,
      credentials: "same-origin",
      headers: body === undefined ? sessionHeaders() : { ...sessionHeaders(), "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, "network_error", "Cannot reach the Forge server. Is it still running?");
  }
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** A single-use ticket (valid 30 s) for one /api path, sent as `?ticket=` by sockets and streams. */
export async function ticketFor(path: string): Promise<string> {
  const { ticket } = await api<{ ticket: string }>("/sessions/tickets", { method: "POST", body: { path: `/api${path}` } });
  return ticket;
}

/** ws:// or wss:// URL for a same-origin WebSocket under /api, with a fresh ticket. */
export async function wsUrl(path: string): Promise<string> {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const ticket = await ticketFor(path);
  return `${scheme}://${window.location.host}/api${path}?ticket=${encodeURIComponent(ticket)}`;
}

/** Same-origin EventSource URL under /api (no query of its own), with a fresh ticket. */
export async function eventStreamUrl(path: string): Promise<string> {
  return `/api${path}?ticket=${encodeURIComponent(await ticketFor(path))}`;
}

/**
 * Click handler for `<a href="/api/..." download>`: a plain link carries only the cookie, which
 * authenticates nothing, so the download is started again with a single-use ticket added.
 */
export function ticketedDownload(event: { preventDefault(): void; currentTarget: HTMLAnchorElement }): void {
  event.preventDefault();
  const url = new URL(event.currentTarget.href, window.location.origin);
  void ticketFor(url.pathname.replace(/^\/api/, "")).then((ticket) => {
    url.searchParams.set("ticket", ticket);
    const link = document.createElement("a");
    link.href = url.pathname + url.search;
    link.download = "";
    document.body.appendChild(link);
    link.click();
    link.remove();
  });
}
