// Folds a run's SSE events (snapshot, run, node, output, end) into the state the run view shows.

import type { FlowRun, NodeRun, RunStatus } from "../../api/flows";

export interface RunViewState {
  run: FlowRun | null;
  /** Live output per node: the stored output from the snapshot plus chunks streamed since. */
  output: Record<string, string>;
  ended: boolean;
}

export type RunEvent =
  | { type: "snapshot"; run: FlowRun }
  | { type: "run"; run: Partial<FlowRun> }
  | { type: "node"; node: NodeRun }
  | { type: "output"; node_id: string; stream: string; data: string }
  | { type: "end"; run?: Partial<FlowRun> };

export const initialRunState: RunViewState = { run: null, output: {}, ended: false };

// Keep the live view bounded: the server caps stored output too.
const OUTPUT_LIMIT = 200_000;

export const FINISHED_RUN: ReadonlySet<RunStatus> = new Set(["succeeded", "failed", "cancelled", "interrupted"]);
/** The server resumes these (flows/runs.py RESUMABLE): steps that did not succeed run again. */
export const RESUMABLE_RUN: ReadonlySet<RunStatus> = new Set(["interrupted", "failed", "cancelled"]);
const FINISHED_NODE = new Set(["succeeded", "failed", "skipped", "cancelled", "interrupted"]);

function mergeRun(run: FlowRun, patch: Partial<FlowRun>): FlowRun {
  const next = { ...run, ...patch } as FlowRun;
  next.nodes = patch.nodes ?? run.nodes;
  next.totals = patch.totals ?? run.totals;
  return next;
}

export function runReducer(state: RunViewState, event: RunEvent): RunViewState {
  switch (event.type) {
    case "snapshot": {
      const output: Record<string, string> = {};
      for (const n of event.run.nodes) output[n.node_id] = n.output ?? "";
      // A snapshot starts a (re)subscription; `end` follows it for a finished run.
      return { run: event.run, output, ended: false };
    }
    case "run":
      if (!state.run) return state;
      return { ...state, run: mergeRun(state.run, event.run) };
    case "node": {
      if (!state.run) return state;
      const nodes = state.run.nodes.some((n) => n.node_id === event.node.node_id)
        ? state.run.nodes.map((n) => (n.node_id === event.node.node_id ? { ...n, ...event.node } : n))
        : [...state.run.nodes, event.node];
      let output = state.output;
      if (event.node.status === "running" && event.node.attempts > (findNode(state.run, event.node.node_id)?.attempts ?? 0)) {
        // A new attempt starts with fresh output.
        output = { ...output, [event.node.node_id]: "" };
      } else if (FINISHED_NODE.has(event.node.status) && event.node.output != null) {
        // The stored (capped, redacted) output is authoritative once a node finishes.
        output = { ...output, [event.node.node_id]: event.node.output };
      }
      return { ...state, run: { ...state.run, nodes }, output };
    }
    case "output": {
      const prev = state.output[event.node_id] ?? "";
      const joined = (prev + event.data).slice(-OUTPUT_LIMIT);
      return { ...state, output: { ...state.output, [event.node_id]: joined } };
    }
    case "end":
      return {
        ...state,
        run: state.run && event.run ? mergeRun(state.run, event.run) : state.run,
        ended: true,
      };
  }
}

export function findNode(run: FlowRun | null, nodeId: string): NodeRun | undefined {
  return run?.nodes.find((n) => n.node_id === nodeId);
}

/** Parses one SSE message into a RunEvent; unknown events are ignored (null). */
export function parseRunEvent(event: string, data: string): RunEvent | null {
  let body: unknown;
  try {
    body = data ? JSON.parse(data) : {};
  } catch {
    return null;
  }
  const obj = (body ?? {}) as Record<string, unknown>;
  switch (event) {
    case "snapshot":
      return { type: "snapshot", run: ("run" in obj ? obj.run : obj) as FlowRun };
    case "run":
      return { type: "run", run: ("run" in obj ? obj.run : obj) as Partial<FlowRun> };
    case "node":
      return { type: "node", node: ("node" in obj ? obj.node : obj) as NodeRun };
    case "output":
      return {
        type: "output",
        node_id: String(obj.node_id),
        stream: String(obj.stream ?? "stdout"),
        data: String(obj.data ?? ""),
      };
    case "end":
      return { type: "end", run: ("run" in obj ? obj.run : obj.status ? obj : undefined) as Partial<FlowRun> | undefined };
    default:
      return null;
  }
}
