// Copy and paste of canvas steps: a copy keeps the selected steps and the edges between them;
// a paste gives every step a fresh id (templates and condition sources inside the copy follow).

import type { NodeType } from "../../api/flows";
import { edgeFor, nextNodeId, renameNode, type FlowEdge, type FlowNode } from "./graph";

export interface Clip {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

/** Each paste of the same copy lands this much further down and right, so none hides another. */
export const PASTE_OFFSET = 40;

export function copySelection(nodes: FlowNode[], edges: FlowEdge[]): Clip | null {
  const picked = nodes.filter((n) => n.selected);
  if (picked.length === 0) return null;
  const ids = new Set(picked.map((n) => n.id));
  return {
    nodes: picked.map((n) => ({ ...n, data: structuredClone(n.data), selected: false })),
    edges: edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
  };
}

/** The steps and edges to add for the `times`-th paste (1, 2, …) of `clip` beside `existing` ids. */
export function pasteClip(clip: Clip, existing: Iterable<string>, times = 1): Clip {
  const taken = new Set(existing);
  for (const n of clip.nodes) taken.add(n.id);
  let nodes = clip.nodes;
  let edges = clip.edges;
  // Fresh ids are new to both the flow and the copy, so one rename never captures another.
  for (const n of clip.nodes) {
    const id = nextNodeId(n.type as NodeType, taken);
    taken.add(id);
    ({ nodes, edges } = renameNode(nodes, edges, n.id, id));
  }
  const shift = PASTE_OFFSET * times;
  return {
    nodes: nodes.map((n) => ({
      ...n,
      position: { x: n.position.x + shift, y: n.position.y + shift },
      selected: true,
      measured: undefined,
    })),
    edges: edges.map((e) => edgeFor(e.source, e.target, e.data?.branch ?? null)),
  };
}
