// Pure graph helpers for the editor: definition <-> canvas, new nodes, ancestors, id renames.

import type { Edge, Node } from "@xyflow/react";
import type { FlowDefinition, FlowEdgeDef, FlowNodeDef, NodeType } from "../../api/flows";

export type NodeData = Record<string, unknown>;
export type FlowNode = Node<NodeData, NodeType>;
export type FlowEdge = Edge<{ branch?: "true" | "false" }>;

/** A new node's data when the server's node types (their `defaults`) have not loaded. */
export function defaultData(type: NodeType): NodeData {
  switch (type) {
    case "shell":
      return { command: "", retries: 0, continue_on_error: false };
    case "llm":
      return { prompt: "", max_tokens: 1024, retries: 0, output: "text" };
    case "approval":
      return { message: "" };
    case "condition":
      return { kind: "exit_code", source: "", operator: "eq", value: "0" };
  }
}

/** The next free id like `shell_3`; ids appear in templates, so they stay short and readable. */
export function nextNodeId(type: NodeType, existing: Iterable<string>): string {
  const taken = new Set(existing);
  for (let i = 1; ; i++) {
    const id = `${type}_${i}`;
    if (!taken.has(id)) return id;
  }
}

export function isValidNodeId(id: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(id);
}

// Empty strings and nulls mean "not set": the backend applies its defaults then.
function cleanData(data: NodeData): NodeData {
  const out: NodeData = {};
  for (const [key, value] of Object.entries(data)) {
    if (value === "" || value === null || value === undefined) continue;
    if (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0) continue;
    out[key] = value;
  }
  return out;
}

export function toCanvas(def: FlowDefinition): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const nodes: FlowNode[] = def.nodes.map((n) => ({
    id: n.id,
    type: n.type,
    position: { x: n.position?.x ?? 0, y: n.position?.y ?? 0 },
    data: { ...defaultData(n.type), ...n.data },
    ariaLabel: `${n.type} step ${n.id}`,
  }));
  const edges: FlowEdge[] = def.edges.map((e) => edgeFor(e.source, e.target, e.sourceHandle ?? e.data?.branch ?? null, e.id));
  return { nodes, edges };
}

export function edgeFor(source: string, target: string, handle: string | null | undefined, id?: string): FlowEdge {
  const branch = handle === "true" || handle === "false" ? handle : undefined;
  return {
    id: id ?? `${source}->${target}${branch ? `:${branch}` : ""}`,
    source,
    target,
    sourceHandle: branch ?? null,
    data: branch ? { branch } : {},
    label: branch,
    className: branch ? `branch-${branch}` : undefined,
  };
}

export function toDefinition(nodes: FlowNode[], edges: FlowEdge[], settings: FlowDefinition["settings"]): FlowDefinition {
  const outNodes: FlowNodeDef[] = nodes.map((n) => ({
    id: n.id,
    type: n.type as NodeType,
    position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
    data: cleanData(n.data),
  }));
  const outEdges: FlowEdgeDef[] = edges.map((e) => {
    const branch = e.data?.branch;
    const edge: FlowEdgeDef = { id: e.id, source: e.source, target: e.target };
    if (branch) {
      edge.sourceHandle = branch;
      edge.data = { branch };
    }
    return edge;
  });
  return settings ? { nodes: outNodes, edges: outEdges, settings } : { nodes: outNodes, edges: outEdges };
}

/** Everything upstream of `id` (transitively), nearest first. Templates may only reach these. */
export function ancestors(id: string, edges: { source: string; target: string }[]): string[] {
  const parents = new Map<string, string[]>();
  for (const e of edges) parents.set(e.target, [...(parents.get(e.target) ?? []), e.source]);
  const seen = new Set<string>();
  const queue = [...(parents.get(id) ?? [])];
  const order: string[] = [];
  while (queue.length) {
    const next = queue.shift() as string;
    if (seen.has(next) || next === id) continue;
    seen.add(next);
    order.push(next);
    queue.push(...(parents.get(next) ?? []));
  }
  return order;
}

export function descendants(id: string, edges: { source: string; target: string }[]): Set<string> {
  const reversed = edges.map((e) => ({ source: e.target, target: e.source }));
  return new Set(ancestors(id, reversed));
}

const TEMPLATE_REF = (id: string) =>
  new RegExp(`(\\{\\{\\s*nodes\\.)${id.replace(/[-]/g, "\\-")}(?=[.\\s}])`, "g");

/** Renames a node everywhere it is referenced: edges and `{{ nodes.<id>… }}` in any string field. */
export function renameNode(
  nodes: FlowNode[],
  edges: FlowEdge[],
  from: string,
  to: string,
): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const rewrite = (value: unknown): unknown => {
    if (typeof value === "string") return value.replace(TEMPLATE_REF(from), `$1${to}`);
    if (Array.isArray(value)) return value.map(rewrite);
    if (value && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
    return value;
  };
  const outNodes = nodes.map((n) => {
    const data = rewrite(n.data) as NodeData;
    // A condition names its source node directly, not through a template.
    if (data.source === from) data.source = to;
    return n.id === from ? { ...n, id: to, data, ariaLabel: `${n.type} step ${to}` } : { ...n, data };
  });
  const outEdges = edges.map((e) => {
    if (e.source !== from && e.target !== from) return e;
    const source = e.source === from ? to : e.source;
    const target = e.target === from ? to : e.target;
    return edgeFor(source, target, e.data?.branch ?? null);
  });
  return { nodes: outNodes, edges: outEdges };
}
