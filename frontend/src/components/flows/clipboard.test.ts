// @vitest-environment node
import { describe, expect, it } from "vitest";
import { copySelection, pasteClip, PASTE_OFFSET } from "./clipboard";
import { edgeFor, type FlowNode } from "./graph";

const node = (id: string, x: number, data: Record<string, unknown>, selected = true): FlowNode => ({
  id,
  type: id.startsWith("check") ? "condition" : "shell",
  position: { x, y: 10 },
  data,
  selected,
});

const nodes = [
  node("start", 0, { command: "echo hi" }, false),
  node("build", 300, { command: "make {{ nodes.start.output }}" }),
  node("test", 600, { command: "test {{ nodes.build.output }}" }),
  node("check", 900, { kind: "exit_code", source: "test" }),
];
const edges = [edgeFor("start", "build", null), edgeFor("build", "test", null), edgeFor("test", "check", null)];

describe("copy and paste of steps", () => {
  it("copies the selected steps and only the edges between them", () => {
    const clip = copySelection(nodes, edges)!;
    expect(clip.nodes.map((n) => n.id)).toEqual(["build", "test", "check"]);
    expect(clip.edges.map((e) => e.id)).toEqual(["build->test", "test->check"]);
    expect(copySelection(nodes.map((n) => ({ ...n, selected: false })), edges)).toBeNull();
  });

  it("pastes with new ids, offset, and edges and references rewired to the copies", () => {
    const clip = copySelection(nodes, edges)!;
    const out = pasteClip(clip, nodes.map((n) => n.id));
    expect(out.nodes.map((n) => n.id)).toEqual(["shell_1", "shell_2", "condition_1"]);
    expect(out.nodes.every((n) => n.selected)).toBe(true);
    expect(out.nodes[0]!.position).toEqual({ x: 300 + PASTE_OFFSET, y: 10 + PASTE_OFFSET });
    expect(out.edges.map((e) => [e.source, e.target])).toEqual([
      ["shell_1", "shell_2"],
      ["shell_2", "condition_1"],
    ]);
    // A reference inside the copy follows the copy; one to a step outside it stays.
    expect(out.nodes[0]!.data.command).toBe("make {{ nodes.start.output }}");
    expect(out.nodes[1]!.data.command).toBe("test {{ nodes.shell_1.output }}");
    expect(out.nodes[2]!.data.source).toBe("shell_2");
    // The copy itself is untouched.
    expect(clip.nodes[1]!.data.command).toBe("test {{ nodes.build.output }}");
  });

  it("never reuses an id already in the flow, and offsets each further paste", () => {
    const clip = copySelection([node("shell_1", 0, { command: "x" })], [])!;
    const out = pasteClip(clip, ["shell_1", "shell_2"], 2);
    expect(out.nodes[0]!.id).toBe("shell_3");
    expect(out.nodes[0]!.position).toEqual({ x: 2 * PASTE_OFFSET, y: 10 + 2 * PASTE_OFFSET });
  });
});
