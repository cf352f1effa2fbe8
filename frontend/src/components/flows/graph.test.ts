// @vitest-environment node
// Pure logic: no DOM needed.
import { describe, expect, it } from "vitest";
import type { FlowDefinition } from "../../api/flows";
import { ancestors, nextNodeId, renameNode, toCanvas, toDefinition } from "./graph";

const def: FlowDefinition = {
  nodes: [
    { id: "start", type: "shell", position: { x: 0, y: 0 }, data: { command: "echo hi" } },
    { id: "check", type: "condition", position: { x: 200, y: 0 }, data: { kind: "exit_code", source: "start", operator: "eq", value: 0 } },
    { id: "ok", type: "llm", position: { x: 400, y: 0 }, data: { prompt: "Say {{ nodes.start.output }}" } },
  ],
  edges: [
    { id: "e1", source: "start", target: "check" },
    { id: "e2", source: "check", target: "ok", sourceHandle: "true", data: { branch: "true" } },
  ],
  settings: { max_parallel: 2, inputs: [] },
};

describe("graph helpers", () => {
  it("round-trips a definition through the canvas, dropping unset fields", () => {
    const { nodes, edges } = toCanvas(def);
    const back = toDefinition(nodes, edges, def.settings);
    expect(back.edges).toEqual(def.edges);
    expect(back.nodes[2]!.data).toEqual({ prompt: "Say {{ nodes.start.output }}", max_tokens: 1024, retries: 0, output: "text" });
    expect(back.settings).toEqual(def.settings);
  });

  it("finds every upstream node transitively", () => {
    expect(ancestors("ok", def.edges)).toEqual(["check", "start"]);
    expect(ancestors("start", def.edges)).toEqual([]);
  });

  it("picks the next free readable id", () => {
    expect(nextNodeId("shell", ["shell_1", "shell_2"])).toBe("shell_3");
  });

  it("renames a node in edges, templates and condition sources", () => {
    const { nodes, edges } = toCanvas(def);
    const out = renameNode(nodes, edges, "start", "build");
    expect(out.nodes.map((n) => n.id)).toEqual(["build", "check", "ok"]);
    expect(out.nodes[1]!.data.source).toBe("build");
    expect(out.nodes[2]!.data.prompt).toBe("Say {{ nodes.build.output }}");
    expect(out.edges[0]).toMatchObject({ source: "build", target: "check" });
  });
});
