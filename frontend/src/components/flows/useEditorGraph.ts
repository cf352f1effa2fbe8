// Editor graph state: nodes, edges and settings plus every edit the canvas and panels make.

import { useEdgesState, useNodesState, useReactFlow, type Connection } from "@xyflow/react";
import { useCallback, useMemo, useState } from "react";
import type { FlowDefinition, FlowSettings, NodeType } from "../../api/flows";
import {
  defaultData,
  edgeFor,
  nextNodeId,
  renameNode,
  toCanvas,
  toDefinition,
  type FlowEdge,
  type FlowNode,
  type NodeData,
} from "./graph";
import { autoLayout } from "./layout";

const GAP_X = 280;
const GAP_Y = 130;

export function useEditorGraph(initial: FlowDefinition) {
  const start = useMemo(() => toCanvas(initial), [initial]);
  const [nodes, setNodes, onNodesChange] = useNodesState<FlowNode>(start.nodes);
  const [edges, setEdges, onEdgesChange] = useEdgesState<FlowEdge>(start.edges);
  const [settings, setSettings] = useState<FlowSettings>(initial.settings ?? {});
  const [selected, setSelected] = useState<string | null>(null);
  const flow = useReactFlow<FlowNode, FlowEdge>();

  const load = useCallback(
    (def: FlowDefinition) => {
      const c = toCanvas(def);
      setNodes(c.nodes);
      setEdges(c.edges);
      setSettings(def.settings ?? {});
      setSelected(null);
    },
    [setNodes, setEdges],
  );

  const definition = useMemo(() => toDefinition(nodes, edges, settings), [nodes, edges, settings]);

  const select = useCallback(
    (id: string | null) => {
      setSelected(id);
      setNodes((ns) => ns.map((n) => (n.selected === (n.id === id) ? n : { ...n, selected: n.id === id })));
    },
    [setNodes],
  );

  /** Adds a step at `position`, or after the selected step (connected to it), or mid-view. */
  const addNode = (type: NodeType, position?: { x: number; y: number }) => {
    const id = nextNodeId(type, nodes.map((n) => n.id));
    const after = position ? undefined : nodes.find((n) => n.id === selected);
    const centre = () => {
      const box = document.querySelector(".flow-canvas")?.getBoundingClientRect();
      return box
        ? flow.screenToFlowPosition({ x: box.left + box.width / 2 - 110, y: box.top + box.height / 3 })
        : { x: nodes.length * 40, y: nodes.length * 40 };
    };
    const siblings = after ? edges.filter((e) => e.source === after.id).length : 0;
    let pos =
      position ?? (after ? { x: after.position.x + GAP_X, y: after.position.y + siblings * GAP_Y } : centre());
    // Step down past any step already there, so a new step never hides another.
    const taken = (p: { x: number; y: number }) =>
      nodes.some((n) => Math.abs(n.position.x - p.x) < 200 && Math.abs(n.position.y - p.y) < 90);
    while (taken(pos)) pos = { x: pos.x, y: pos.y + GAP_Y };
    const node: FlowNode = { id, type, position: pos, data: defaultData(type), selected: true, ariaLabel: `${type} step ${id}` };
    setNodes((ns) => [...ns.map((n) => (n.selected ? { ...n, selected: false } : n)), node]);
    if (after) {
      const branch = after.type === "condition" ? (edges.some((e) => e.source === after.id && e.data?.branch === "true") ? "false" : "true") : null;
      setEdges((es) => [...es, edgeFor(after.id, id, branch)]);
    }
    setSelected(id);
    return id;
  };

  const connect = (c: Connection) => {
    if (!c.source || !c.target || c.source === c.target) return;
    const edge = edgeFor(c.source, c.target, c.sourceHandle);
    setEdges((es) => (es.some((e) => e.id === edge.id) ? es : [...es, edge]));
  };

  const updateData = (id: string, patch: NodeData) =>
    setNodes((ns) => ns.map((n) => (n.id === id ? { ...n, data: { ...n.data, ...patch } } : n)));

  const rename = (from: string, to: string) => {
    const r = renameNode(nodes, edges, from, to);
    setNodes(r.nodes);
    setEdges(r.edges);
    setSelected(to);
  };

  const link = (source: string, target: string, branch: "true" | "false" | null, linked: boolean) => {
    setEdges((es) => {
      if (linked) {
        const edge = edgeFor(source, target, branch);
        return es.some((e) => e.id === edge.id) ? es : [...es, edge];
      }
      return es.filter((e) => !(e.source === source && e.target === target && (branch === null || e.data?.branch === branch)));
    });
  };

  const remove = (id: string) => {
    setNodes((ns) => ns.filter((n) => n.id !== id));
    setEdges((es) => es.filter((e) => e.source !== id && e.target !== id));
    setSelected(null);
  };

  const layout = () => {
    setNodes((ns) => autoLayout(ns, edges));
    // Fit after React Flow has measured the moved nodes.
    window.setTimeout(() => void flow.fitView({ padding: 0.2, maxZoom: 1.1 }), 50);
  };

  return {
    nodes,
    edges,
    settings,
    setSettings,
    selected,
    setSelected,
    select,
    definition,
    load,
    onNodesChange,
    onEdgesChange,
    addNode,
    connect,
    updateData,
    rename,
    link,
    remove,
    layout,
  };
}
