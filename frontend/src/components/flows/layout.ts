// Auto-layout: dagre ranks the DAG left to right so parallel branches sit one above the other.

import { Graph, layout } from "@dagrejs/dagre";

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 96;
/** A step's usual rendered height (title and one summary line): where a drop is centred. */
export const NODE_HEIGHT_TYPICAL = 56;

interface Positioned {
  id: string;
  position: { x: number; y: number };
  measured?: { width?: number; height?: number };
}

export function autoLayout<N extends Positioned>(
  nodes: N[],
  edges: { source: string; target: string }[],
  direction: "LR" | "TB" = "LR",
): N[] {
  const g = new Graph();
  g.setGraph({ rankdir: direction, nodesep: 40, ranksep: 80, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const size = (n: N) => ({
    width: n.measured?.width ?? NODE_WIDTH,
    height: n.measured?.height ?? NODE_HEIGHT,
  });
  for (const n of nodes) g.setNode(n.id, size(n));
  const ids = new Set(nodes.map((n) => n.id));
  for (const e of edges) if (ids.has(e.source) && ids.has(e.target)) g.setEdge(e.source, e.target);
  layout(g);
  return nodes.map((n) => {
    const placed = g.node(n.id) as { x: number; y: number };
    const { width, height } = size(n);
    // dagre reports centres; React Flow positions are top-left corners.
    return { ...n, position: { x: Math.round(placed.x - width / 2), y: Math.round(placed.y - height / 2) } };
  });
}
