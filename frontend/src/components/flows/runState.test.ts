// @vitest-environment node
// Pure logic: no DOM needed.
import { describe, expect, it } from "vitest";
import type { FlowRun, NodeRun } from "../../api/flows";
import { initialRunState, parseRunEvent, runReducer, type RunEvent } from "./runState";

function nodeRun(id: string, patch: Partial<NodeRun> = {}): NodeRun {
  return {
    node_id: id, type: "shell", label: id, status: "pending", attempts: 0, started_at: null, finished_at: null, duration_ms: null,
    exit_code: null, input: null, output: null, output_truncated: false, stderr: null, json: null, input_tokens: null, output_tokens: null,
    cost_usd: null, estimated_cost_usd: null, error: null, ...patch,
  };
}

const run: FlowRun = {
  id: 7, flow_id: 1, flow_name: "demo", flow_version: 1, inputs: {}, auto_approve: false, error: null,
  created_at: "2025-01-01T00:00:00Z", node_counts: { running: 1, pending: 1 }, status: "running", started_at: "2025-01-01T00:00:00Z", finished_at: null,
  totals: { input_tokens: 0, output_tokens: 0, cost_usd: 0, duration_ms: null },
  nodes: [nodeRun("a", { status: "running", attempts: 1, output: "hel" }), nodeRun("b")],
};

const fold = (events: RunEvent[]) => events.reduce(runReducer, initialRunState);

describe("runReducer", () => {
  it("starts from the snapshot, including output produced before subscribing", () => {
    const s = fold([{ type: "snapshot", run }]);
    expect(s.run?.status).toBe("running");
    expect(s.output).toEqual({ a: "hel", b: "" });
  });

  it("appends output chunks and replaces them with the stored output when the node finishes", () => {
    const s = fold([
      { type: "snapshot", run },
      { type: "output", node_id: "a", stream: "stdout", data: "lo\n" },
      { type: "node", node: nodeRun("a", { status: "succeeded", attempts: 1, output: "hello\n", exit_code: 0 }) },
    ]);
    expect(s.output.a).toBe("hello\n");
    expect(s.run?.nodes.find((n) => n.node_id === "a")?.exit_code).toBe(0);
  });

  it("clears a node's output when a retry starts", () => {
    const s = fold([
      { type: "snapshot", run },
      { type: "node", node: nodeRun("a", { status: "running", attempts: 2 }) },
      { type: "output", node_id: "a", stream: "stdout", data: "second" },
    ]);
    expect(s.output.a).toBe("second");
  });

  it("merges run status changes without dropping nodes and marks the end", () => {
    const s = fold([
      { type: "snapshot", run },
      { type: "run", run: { status: "awaiting_approval" } },
      { type: "end", run: { status: "succeeded" } },
    ]);
    expect(s.run?.status).toBe("succeeded");
    expect(s.run?.nodes).toHaveLength(2);
    expect(s.ended).toBe(true);
  });

  it("ignores events that arrive before the snapshot", () => {
    expect(fold([{ type: "node", node: nodeRun("a") }]).run).toBeNull();
  });
});

describe("parseRunEvent", () => {
  it("parses known events and ignores unknown or broken ones", () => {
    expect(parseRunEvent("output", '{"node_id":"a","stream":"stderr","data":"x"}')).toEqual({
      type: "output", node_id: "a", stream: "stderr", data: "x",
    });
    expect(parseRunEvent("snapshot", JSON.stringify(run))).toEqual({ type: "snapshot", run });
    expect(parseRunEvent("ping", "{}")).toBeNull();
    expect(parseRunEvent("node", "{not json")).toBeNull();
  });
});
