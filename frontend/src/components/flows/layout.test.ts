// @vitest-environment node
// Pure logic: no DOM needed.
import { describe, expect, it } from "vitest";
import { autoLayout, NODE_WIDTH } from "./layout";

const node = (id: string) => ({ id, position: { x: 0, y: 0 } });

describe("autoLayout", () => {
  it("places a chain left to right, each step after the previous one", () => {
    const out = autoLayout([node("a"), node("b"), node("c")], [
      { source: "a", target: "b" },
      { source: "b", target: "c" },
    ]);
    const x = Object.fromEntries(out.map((n) => [n.id, n.position.x]));
    expect(x.b! - x.a!).toBeGreaterThanOrEqual(NODE_WIDTH);
    expect(x.c! - x.b!).toBeGreaterThanOrEqual(NODE_WIDTH);
  });

  it("stacks parallel branches in one column without overlapping", () => {
    const out = autoLayout([node("start"), node("left"), node("right"), node("join")], [
      { source: "start", target: "left" },
      { source: "start", target: "right" },
      { source: "left", target: "join" },
      { source: "right", target: "join" },
    ]);
    const pos = Object.fromEntries(out.map((n) => [n.id, n.position]));
    expect(pos.left!.x).toBe(pos.right!.x);
    expect(Math.abs(pos.left!.y - pos.right!.y)).toBeGreaterThanOrEqual(96);
    expect(pos.join!.x).toBeGreaterThan(pos.left!.x);
  });

  it("keeps node identity and ignores edges to unknown nodes", () => {
    const input = [{ ...node("only"), extra: 1 }];
    const out = autoLayout(input, [{ source: "only", target: "ghost" }]);
    expect(out).toHaveLength(1);
    expect(out[0]!.extra).toBe(1);
    expect(input[0]!.position).toEqual({ x: 0, y: 0 });
  });
});
