// @vitest-environment node
// Pure logic: no DOM needed.
import { describe, expect, it } from "vitest";
import type { NodeRun } from "../../api/flows";
import { buildTimeline } from "./timeline";

const T0 = Date.parse("2025-01-01T00:00:00Z");
const iso = (ms: number) => new Date(T0 + ms).toISOString();

function node(id: string, start: number | null, end: number | null, status: NodeRun["status"] = "succeeded"): NodeRun {
  return {
    node_id: id, type: "shell", label: id, status, attempts: start === null ? 0 : 1,
    started_at: start === null ? null : iso(start), finished_at: end === null ? null : iso(end),
    duration_ms: start !== null && end !== null ? end - start : null, exit_code: null, input: null, output: null,
    output_truncated: false, stderr: null, json: null, input_tokens: null, output_tokens: null, cost_usd: null, estimated_cost_usd: null, error: null,
  };
}

describe("buildTimeline", () => {
  it("shows parallel branches as overlapping bars", () => {
    const m = buildTimeline(
      [node("start", 0, 100), node("left", 100, 1100), node("right", 120, 1000), node("after", 1100, 1200)],
      ["start", "left", "right", "after"], T0 + 5000, iso(0),
    );
    expect(m.totalMs).toBe(1200);
    const left = m.rows[1]!.bar!;
    const right = m.rows[2]!.bar!;
    expect(right.left).toBeLessThan(left.left + left.width);
    expect(m.peakParallel).toBe(2);
    expect(m.rows[0]!.bar!.left).toBe(0);
    expect(left.width).toBeCloseTo(1000 / 1200);
  });

  it("treats back-to-back steps as sequential", () => {
    const m = buildTimeline([node("a", 0, 500), node("b", 500, 900)], ["a", "b"], T0 + 900, iso(0));
    expect(m.peakParallel).toBe(1);
  });

  it("extends a running node to now and leaves unstarted nodes without a bar", () => {
    const m = buildTimeline(
      [node("a", 0, null, "running"), node("b", null, null, "pending")], ["a", "b"], T0 + 2000, iso(0),
    );
    expect(m.rows[0]!.bar).toMatchObject({ startMs: 0, endMs: 2000, open: true, width: 1 });
    expect(m.rows[1]!.bar).toBeNull();
    expect(m.ticks[0]).toEqual({ ms: 0, left: 0 });
    expect(m.ticks.length).toBeGreaterThan(1);
  });

  it("orders rows like the canvas and appends nodes the canvas no longer has", () => {
    const m = buildTimeline([node("z", 0, 1), node("a", 0, 1), node("gone", 0, 1)], ["a", "z"], T0, iso(0));
    expect(m.rows.map((r) => r.nodeId)).toEqual(["a", "z", "gone"]);
  });
});
