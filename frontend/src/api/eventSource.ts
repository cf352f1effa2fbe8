// EventSource with a fresh single-use ticket per connection. A plain EventSource would retry with
// the same URL, whose ticket is already spent; this one closes it and reconnects with a new ticket.

import { eventStreamUrl } from "./client";

const RETRY_MS = [1000, 2000, 4000, 8000, 10000];

export class TicketedEventSource {
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private source: EventSource | null = null;
  private readonly listeners: [string, EventListener][] = [];
  private closed = false;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** `reconnect`: open again after an error (streams that send a full snapshot each time). */
  constructor(
    private readonly path: string,
    private readonly reconnect: boolean,
  ) {
    void this.open();
  }

  addEventListener(name: string, listener: EventListener): void {
    this.listeners.push([name, listener]);
    this.source?.addEventListener(name, listener);
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.source?.close();
    this.source = null;
  }

  private async open(): Promise<void> {
    let url: string;
    try {
      url = await eventStreamUrl(this.path);
    } catch {
      this.failed();
      return;
    }
    if (this.closed) return;
    const source = new EventSource(url);
    this.source = source;
    for (const [name, listener] of this.listeners) source.addEventListener(name, listener);
    source.onopen = () => {
      this.attempt = 0;
      this.onopen?.();
    };
    source.onerror = () => {
      source.close();
      if (this.source === source) this.source = null;
      this.failed();
    };
  }

  private failed(): void {
    if (this.closed) return;
    this.onerror?.();
    if (!this.reconnect || this.closed) return;
    const delay = RETRY_MS[Math.min(this.attempt++, RETRY_MS.length - 1)] ?? 10000;
    this.timer = setTimeout(() => void this.open(), delay);
  }
}
