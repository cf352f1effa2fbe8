// One client typed on the generated schema's paths (openapi-fetch): same-origin fetch with the
// session cookie + X-Forge-Session header, the one error shape thrown as ApiError; single-use
// tickets for the WebSocket and EventSource URLs (no custom headers there).

import createClient from "openapi-fetch";
import type { components, paths } from "./schema.gen";
import { sessionHeaders } from "./session";

export type ErrorBody = components["schemas"]["ErrorResponse"];

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
  const err = value.error;
  return typeof err === "object" && err !== null && "message" in err && "code" in err;
}

/** The ApiError for a failed response's status and parsed body (any body: a proxy page, say). */
export function errorFrom(status: number, body: unknown): ApiError {
  if (isErrorBody(body)) {
    return new ApiError(status, body.error.code, body.error.message, body.error.details);
  }
  return new ApiError(status, "http_error", `Request failed with HTTP ${status}`);
}

export async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy error page, say): fall through to a generic message.
  }
  return errorFrom(res.status, body);
}

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue | readonly QueryValue[]>;

/** `a=1&b=x&b=y`: empty values are left out (an unset filter), a list repeats its key. */
export function queryString(query: Readonly<Record<string, unknown>> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null && item !== "") params.append(key, String(item));
    }
  }
  return params.toString();
}

export function apiUrl(path: string, query?: Query): string {
  const qs = queryString(query);
  return `/api${path}${qs ? `?${qs}` : ""}`;
}

function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === "AbortError";
}

/** The typed client: `client.GET("/api/commands", …)`; its answers go through `call`. */
export const client = createClient<paths>({ credentials: "same-origin", querySerializer: queryString });

client.use({
  // Read per request: the secret arrives (captureSessionSecret) after this module loads.
  onRequest({ request }) {
    for (const [name, value] of Object.entries(sessionHeaders())) request.headers.set(name, value);
    return request;
  },
  onError({ error }) {
    if (isAbort(error)) return undefined;
    return new ApiError(0, "network_error", "Cannot reach the Forge server. Is it still running?");
  },
});

/** What openapi-fetch resolves to: the body on success, the parsed error body otherwise. */
interface Outcome<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

/** The response body of a typed call, or the ApiError its error body describes. */
export async function call<D>(request: Promise<Outcome<D>>): Promise<D> {
  const { data, error, response } = await request;
  if (!response.ok) throw errorFrom(response.status, error);
  if (data === undefined) throw new ApiError(response.status, "empty_response", "The server sent no data");
  return data;
}

/** A typed call that may answer 204 (no body) or 200 with one: the body, or undefined. */
export async function callOptional<D>(request: Promise<Outcome<D>>): Promise<D | undefined> {
  const { data, error, response } = await request;
  if (!response.ok) throw errorFrom(response.status, error);
  return response.status === 204 ? undefined : data;
}

/** A typed call answered 204 (no body): resolves when it succeeded. */
export async function callEmpty(request: Promise<Outcome<unknown>>): Promise<void> {
  const { error, response } = await request;
  if (!response.ok) throw errorFrom(response.status, error);
}


/** A single-use ticket (valid 30 s) for one /api path, sent as `?ticket=` by sockets and streams. */
export async function ticketFor(path: string): Promise<string> {
  const { ticket } = await call(client.POST("/api/sessions/tickets", { body: { path: `/api${path}` } }));
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
