// One terminal session's WebSocket: frames in and out, acks for flow control, reconnect with backoff.

import type { ClientFrame, ServerFrame, TerminalSession } from "../../api/terminal";

export type ConnectionStatus =
  | { kind: "connecting" }
  | { kind: "connected" }
  | { kind: "exited"; code: number | null }
  | { kind: "reconnecting"; at: number; attempt: number }
  | { kind: "taken-over" }
  | { kind: "gone" };

export interface ConnectionHandlers {
  onReady: (session: TerminalSession) => void;
  /** Scrollback on (re)attach: the view resets first. Call `done` once the text is rendered. */
  onReplay: (data: string, done: () => void) => void;
  onOutput: (data: string, done: () => void) => void;
  onStatus: (status: ConnectionStatus) => void;
  onError: (message: string) => void;
}

export interface ConnectionOptions {
  socketFactory?: (url: string) => WebSocket;
  now?: () => number;
}

// Close codes the server uses on purpose; anything else is a dropped connection.
export const CLOSE_TAKEN_OVER = 4001;
export const CLOSE_SESSION_GONE = 4404;
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000, 30000];
// Acks are batched: the server resumes reading below 64 KiB unacknowledged, so 16 KiB steps or a
// short timer keep it flowing without one frame per write.
const ACK_BATCH_BYTES = 16 * 1024;
const ACK_FLUSH_MS = 15;

export function backoffDelay(attempt: number): number {
  return BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 30000;
}

export class TerminalConnection {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private ackTimer: ReturnType<typeof setTimeout> | null = null;
  private pendingAck = 0;
  private disposed = false;
  private exited: number | null | undefined = undefined;
  private generation = 0;
  // While xterm.js parses a replay it answers any query left in it (cursor position, colours…)
  // through onData; those answers would reach the shell as typed input. Replay must never
  // produce input, so input is dropped until the replay's write callback has fired.
  private replaying = false;
  status: ConnectionStatus = { kind: "connecting" };

  /** `url`: a fixed URL, or a function giving a fresh one (with a new single-use ticket) per try. */
  constructor(
    private readonly url: string | (() => Promise<string>),
    private readonly handlers: ConnectionHandlers,
    private readonly options: ConnectionOptions = {},
  ) {}

  connect(): void {
    if (this.disposed) return;
    this.clearRetry();
    this.setStatus({ kind: "connecting" });
    const generation = ++this.generation;
    this.replaying = false;
    if (typeof this.url === "string") {
      this.open(this.url, generation);
      return;
    }
    this.url().then(
      (url) => {
        if (generation === this.generation && !this.disposed) this.open(url, generation);
      },
      () => {
        if (generation === this.generation) this.closed(1006); // no ticket: retry with backoff
      },
    );
  }

  private open(url: string, generation: number): void {
    const factory = this.options.socketFactory ?? ((u: string) => new WebSocket(u));
    const socket = factory(url);
    this.socket = socket;
    socket.onmessage = (event: MessageEvent) => {
      if (generation === this.generation && typeof event.data === "string") this.receive(event.data, generation);
    };
    socket.onclose = (event: CloseEvent) => {
      if (generation === this.generation) this.closed(event.code);
    };
  }

  /** Reconnect at once (the "Reconnect now" / "Take over" buttons). */
  reconnectNow(): void {
    this.attempt = 0;
    this.socket?.close();
    this.connect();
  }

  input(data: string): void {
    if (this.replaying) return;
    this.send({ type: "input", data });
  }

  resize(rows: number, cols: number): void {
    this.send({ type: "resize", rows, cols });
  }

  dispose(): void {
    this.disposed = true;
    this.clearRetry();
    if (this.ackTimer !== null) clearTimeout(this.ackTimer);
    this.generation++;
    this.socket?.close(1000, "closed by the page");
    this.socket = null;
  }

  private send(frame: ClientFrame): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  private receive(text: string, generation: number): void {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(text) as ServerFrame;
    } catch {
      this.handlers.onError("The server sent a frame that is not JSON.");
      return;
    }
    const done = (bytes: number) => () => {
      if (generation === this.generation) this.ack(bytes);
    };
    switch (frame.type) {
      case "ready":
        this.attempt = 0;
        this.pendingAck = 0;
        this.exited = frame.session.status === "exited" ? frame.session.exit_code : undefined;
        this.setStatus(this.exited === undefined ? { kind: "connected" } : { kind: "exited", code: this.exited });
        this.handlers.onReady(frame.session);
        break;
      case "replay": {
        this.replaying = true;
        const acked = done(frame.bytes);
        this.handlers.onReplay(frame.data, () => {
          if (generation === this.generation) this.replaying = false;
          acked();
        });
        break;
      }
      case "output":
        this.handlers.onOutput(frame.data, done(frame.bytes));
        break;
      case "exit":
        this.exited = frame.code;
        this.setStatus({ kind: "exited", code: frame.code });
        break;
      case "error":
        this.handlers.onError(frame.message);
        break;
      case "detached":
        break; // the close with CLOSE_TAKEN_OVER that follows sets the status
    }
  }

  private ack(bytes: number): void {
    this.pendingAck += bytes;
    if (this.pendingAck >= ACK_BATCH_BYTES) {
      this.flushAck();
    } else if (this.ackTimer === null) {
      this.ackTimer = setTimeout(() => this.flushAck(), ACK_FLUSH_MS);
    }
  }

  private flushAck(): void {
    if (this.ackTimer !== null) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    if (this.pendingAck > 0 && this.send({ type: "ack", bytes: this.pendingAck })) this.pendingAck = 0;
  }

  private closed(code: number): void {
    this.socket = null;
    this.pendingAck = 0;
    if (this.disposed) return;
    if (code === CLOSE_SESSION_GONE) return this.setStatus({ kind: "gone" });
    if (code === CLOSE_TAKEN_OVER) return this.setStatus({ kind: "taken-over" });
    const delay = backoffDelay(this.attempt);
    const now = this.options.now?.() ?? Date.now();
    this.setStatus({ kind: "reconnecting", at: now + delay, attempt: this.attempt + 1 });
    this.attempt++;
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private setStatus(status: ConnectionStatus): void {
    this.status = status;
    this.handlers.onStatus(status);
  }
}

export function describeStatus(status: ConnectionStatus, now: number): string {
  switch (status.kind) {
    case "connecting":
      return "Connecting…";
    case "connected":
      return "Connected";
    case "exited":
      return status.code === null ? "Exited" : `Exited with code ${status.code}`;
    case "reconnecting":
      return `Disconnected · reconnecting in ${Math.max(0, Math.ceil((status.at - now) / 1000))}s`;
    case "taken-over":
      return "Opened in another window";
    case "gone":
      return "Session ended on the server";
  }
}
