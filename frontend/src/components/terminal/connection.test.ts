// @vitest-environment node
// The WebSocket client logic (acks, backoff, close codes) against a fake socket; prompt stripping.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CLOSE_SESSION_GONE, CLOSE_TAKEN_OVER, TerminalConnection, backoffDelay, describeStatus, type ConnectionStatus } from "./connection";
import { stripPrompt } from "./commandLine";

class FakeSocket {
  static OPEN = 1;
  readyState = 1;
  sent: unknown[] = [];
  onmessage: ((e: MessageEvent) => void) | null = null;
  onclose: ((e: CloseEvent) => void) | null = null;
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close() {
    this.readyState = 3;
  }
  deliver(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) } as MessageEvent);
  }
  drop(code: number) {
    this.readyState = 3;
    this.onclose?.({ code } as CloseEvent);
  }
}

const session = { id: "s1", status: "running", exit_code: null } as const;

function setup() {
  const sockets: FakeSocket[] = [];
  const statuses: ConnectionStatus[] = [];
  const writes: Array<{ data: string; done: () => void }> = [];
  const conn = new TerminalConnection(
    "ws://x/api/terminal/sessions/s1/ws",
    {
      onReady: () => undefined,
      onReplay: (data, done) => writes.push({ data, done }),
      onOutput: (data, done) => writes.push({ data, done }),
      onStatus: (s) => statuses.push(s),
      onError: () => undefined,
    },
    {
      socketFactory: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s as unknown as WebSocket;
      },
      now: () => 1_000,
    },
  );
  conn.connect();
  return { conn, sockets, statuses, writes };
}

describe("TerminalConnection", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal("WebSocket", FakeSocket);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("acks output only once the terminal has consumed it, in batches", () => {
    const { sockets, writes } = setup();
    const ws = sockets[0]!;
    ws.deliver({ type: "ready", session });
    ws.deliver({ type: "output", data: "hello", bytes: 5 });
    ws.deliver({ type: "output", data: "€", bytes: 3 });
    expect(ws.sent).toEqual([]);
    writes.forEach((w) => w.done());
    vi.advanceTimersByTime(50);
    expect(ws.sent).toEqual([{ type: "ack", bytes: 8 }]);
  });

  it("reconnects with growing backoff and shows when", () => {
    const { sockets, statuses } = setup();
    sockets[0]!.drop(1006);
    expect(statuses.at(-1)).toEqual({ kind: "reconnecting", at: 1_000 + backoffDelay(0), attempt: 1 });
    vi.advanceTimersByTime(backoffDelay(0));
    expect(sockets).toHaveLength(2);
    sockets[1]!.drop(1006);
    expect(statuses.at(-1)).toMatchObject({ at: 1_000 + backoffDelay(1) });
    expect(backoffDelay(1)).toBeGreaterThan(backoffDelay(0));
    expect(describeStatus({ kind: "reconnecting", at: 3_000, attempt: 2 }, 1_000)).toBe(
      "Disconnected · reconnecting in 2s",
    );
  });

  it("does not reconnect when another window took over or the session is gone", () => {
    const { sockets, statuses } = setup();
    sockets[0]!.drop(CLOSE_TAKEN_OVER);
    expect(statuses.at(-1)).toEqual({ kind: "taken-over" });
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    const other = setup();
    other.sockets[0]!.drop(CLOSE_SESSION_GONE);
    expect(other.statuses.at(-1)).toEqual({ kind: "gone" });
  });

  it("reports the exit code and keeps sending input and resizes as frames", () => {
    const { conn, sockets, statuses } = setup();
    const ws = sockets[0]!;
    ws.deliver({ type: "ready", session });
    conn.input("ls\r");
    conn.resize(30, 100);
    ws.deliver({ type: "exit", code: 2 });
    expect(statuses.at(-1)).toEqual({ kind: "exited", code: 2 });
    expect(describeStatus({ kind: "exited", code: 2 }, 0)).toBe("Exited with code 2");
    expect(ws.sent).toEqual([
      { type: "input", data: "ls\r" },
      { type: "resize", rows: 30, cols: 100 },
    ]);
  });

  it("sends nothing the terminal produces while it renders a replay (answers to old queries)", () => {
    const { conn, sockets, writes } = setup();
    const ws = sockets[0]!;
    ws.deliver({ type: "ready", session });
    ws.deliver({ type: "replay", data: "\x1b[6n", bytes: 4 });
    conn.input("\x1b[24;1R"); // what xterm.js answers while parsing the replay
    writes[0]!.done();
    conn.input("ls\r");
    vi.advanceTimersByTime(50);
    expect(ws.sent).toEqual([
      { type: "input", data: "ls\r" },
      { type: "ack", bytes: 4 },
    ]);
  });

  it("ignores a replaced socket's late acks after a reconnect", () => {
    const { conn, sockets, writes } = setup();
    sockets[0]!.deliver({ type: "output", data: "x", bytes: 1 });
    conn.reconnectNow();
    writes[0]!.done();
    vi.advanceTimersByTime(50);
    expect(sockets[1]!.sent).toEqual([]);
  });
});

describe("stripPrompt", () => {
  it.each([
    ["root@vm:~# ls -la", "ls -la"],
    ["me@host:~/src/app$ git status  ", "git status"],
    ["(venv) me@mac proj % echo $HOME", "echo $HOME"],
    ["❯ npm test", "npm test"],
    ["plain text", "plain text"],
  ])("%s -> %s", (line, command) => {
    expect(stripPrompt(line)).toBe(command);
  });
});
