// Editor graph state: nodes, edges and settings plus every edit the canvas and panels make,
// each undoable (useGraphHistory), and copy/paste of the selected steps (clipboard.ts).

import {
  useEdgesState,
  useNodesState,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type NodeChange,
} from "@xyflow/react";
import { useCallback, useMemo, useState } from "react";
import type { FlowDefinition, FlowSettings, NodeType } from "../../api/flows";
import { useNodeTypes } from "../../hooks/useNodeTypes";
import { copySelection, pasteClip, type Clip } from "./clipboard";
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
import { autoLayout, NODE_HEIGHT_TYPICAL, NODE_WIDTH } from "./layout";
import { useGraphHistory, type GraphSnapshot } from "./useGraphHistory";

const GAP_X = 280;
const GAP_Y = 130;

// One clipboard for every editor, so steps copied in one flow paste into another.
let clipboard: { clip: Clip; pastes: number } | null = null;

export function useEditorGraph(initial: FlowDefinition) {
  const types = useNodeTypes();
  const start = useMemo(() => toCanvas(initial), [initial]);
  const [nodes, setNodes, applyNodeChanges] = useNodesState<FlowNode>(start.nodes);
  const [edges, setEdges, applyEdgeChanges] = useEdgesState<FlowEdge>(start.edges);
  const [settings, setSettingsState] = useState<FlowSettings>(initial.settings ?? {});
  const [selected, setSelectedState] = useState<string | null>(null);
  const flow = useReactFlow<FlowNode, FlowEdge>();

  const restore = useCallback(
    (s: GraphSnapshot) => {
      setNodes(s.nodes);
      setEdges(s.edges);
      setSettingsState(s.settings);
      const picked = s.nodes.filter((n) => n.selected);
      setSelectedState(picked.length === 1 ? (picked[0]?.id ?? null) : null);
    },
    [setNodes, setEdges],
  );
  const history = useGraphHistory({ nodes, edges, settings }, restore);
  const { checkpoint, seal, clear, currentKey } = history;

  const load = useCallback(
    (def: FlowDefinition) => {
      const c = toCanvas(def);
      setNodes(c.nodes);
      setEdges(c.edges);
      setSettingsState(def.settings ?? {});
      setSelectedState(null);
      clear();
    },
    [setNodes, setEdges, clear],
  );

  const definition = useMemo(() => toDefinition(nodes, edges, settings), [nodes, edges, settings]);

  // Selecting another step ends the step being typed, so its next edit is a new undo step.
  const setSelected = useCallback(
    (id: string | null) => {
      seal();
      setSelectedState(id);
    },
    [seal],
  );
  const select = useCallback(
    (id: string | null) => {
      setSelected(id);
      setNodes((ns) => ns.map((n) => (n.selected === (n.id === id) ? n : { ...n, selected: n.id === id })));
    },
    [setNodes, setSelected],
  );

  /** Canvas changes: a delete, a drag (one step per drag) and arrow-key nudges are undoable. */
  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      const moves = changes.filter((c) => c.type === "position" && c.position);
      if (changes.some((c) => c.type === "remove")) checkpoint();
      else if (moves.some((c) => c.type === "position" && c.dragging)) checkpoint("drag");
      else if (moves.length > 0 && currentKey() === "drag") seal();
      else if (moves.length > 0) checkpoint(`nudge:${moves.map((c) => ("id" in c ? c.id : "")).join(",")}`);
      applyNodeChanges(changes);
    },
    [applyNodeChanges, checkpoint, currentKey, seal],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange<FlowEdge>[]) => {
      if (changes.some((c) => c.type === "remove")) checkpoint();
      applyEdgeChanges(changes);
    },
    [applyEdgeChanges, checkpoint],
  );

  /** Where a new step goes so it is seen: the middle of the visible canvas, in flow coordinates. */
  const visibleCentre = () => {
    const box = document.querySelector(".flow-canvas")?.getBoundingClientRect();
    if (!box) return { x: nodes.length * 40, y: nodes.length * 40 };
    const c = flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 });
    return { x: c.x - NODE_WIDTH / 2, y: c.y - NODE_HEIGHT_TYPICAL / 2 };
  };
  /** Pans (keeping the zoom) just enough to bring a step placed outside the visible canvas in. */
  const reveal = (pos: { x: number; y: number }) => {
    const box = document.querySelector(".flow-canvas")?.getBoundingClientRect();
    if (!box) return;
    const a = flow.flowToScreenPosition(pos);
    const b = flow.flowToScreenPosition({ x: pos.x + NODE_WIDTH, y: pos.y + NODE_HEIGHT_TYPICAL });
    const margin = 24;
    const shift = (lo: number, hi: number, min: number, max: number) => {
      if (hi > max - margin) return Math.max(max - margin - hi, min + margin - lo);
      return lo < min + margin ? min + margin - lo : 0;
    };
    const dx = shift(a.x, b.x, box.left, box.right);
    const dy = shift(a.y, b.y, box.top, box.bottom);
    if (dx === 0 && dy === 0) return;
    const vp = flow.getViewport();
    void flow.setViewport({ x: vp.x + dx, y: vp.y + dy, zoom: vp.zoom }, { duration: 200 });
  };

  /** Adds a step at `position` (a drop), or after the selected step (connected to it), or mid-view. */
  const addNode = (type: NodeType, position?: { x: number; y: number }) => {
    checkpoint();
    const id = nextNodeId(type, nodes.map((n) => n.id));
    const after = position ? undefined : nodes.find((n) => n.id === selected);
    const siblings = after ? edges.filter((e) => e.source === after.id).length : 0;
    let pos =
      position ?? (after ? { x: after.position.x + GAP_X, y: after.position.y + siblings * GAP_Y } : visibleCentre());
    // Step down past any step already there, so a new step never hides another.
    const taken = (p: { x: number; y: number }) =>
      nodes.some((n) => Math.abs(n.position.x - p.x) < 200 && Math.abs(n.position.y - p.y) < 90);
    while (taken(pos)) pos = { x: pos.x, y: pos.y + GAP_Y };
    const node: FlowNode = { id, type, position: pos, data: { ...(types.data?.find((t) => t.type === type)?.defaults ?? defaultData(type)) }, selected: true, ariaLabel: `${type} step ${id}` };
    setNodes((ns) => [...ns.map((n) => (n.selected ? { ...n, selected: false } : n)), node]);
    if (after) {
      const branches = types.data?.find((t) => t.type === after.type)?.branches ?? false;
      const branch = branches ? (edges.some((e) => e.source === after.id && e.data?.branch === "true") ? "false" : "true") : null;
      setEdges((es) => [...es, edgeFor(after.id, id, branch)]);
    }
    setSelectedState(id);
    reveal(pos);
    return id;
  };

  const connect = (c: Connection) => {
    if (!c.source || !c.target || c.source === c.target) return;
    const edge = edgeFor(c.source, c.target, c.sourceHandle);
    if (edges.some((e) => e.id === edge.id)) return;
    checkpoint();
    setEdges((es) => (es.some((e) => e.id === edge.id) ? es : [...es, edge]));
  };

  const updateData = (id: string, patch: NodeData) => {
    checkpoint(`data:${id}:${Object.keys(patch).join(",")}`);
    setNodes((ns) => ns.map((n) => (n.id === id ? { ...n, data: { ...n.data, ...patch } } : n)));
  };

  const updateSettings = (patch: Partial<FlowSettings>) => {
    checkpoint(`settings:${Object.keys(patch).join(",")}`);
    setSettingsState((s) => ({ ...s, ...patch }));
  };

  const rename = (from: string, to: string) => {
    checkpoint();
    const r = renameNode(nodes, edges, from, to);
    setNodes(r.nodes);
    setEdges(r.edges);
    setSelectedState(to);
  };

  const link = (source: string, target: string, branch: "true" | "false" | null, linked: boolean) => {
    checkpoint();
    setEdges((es) => {
      if (linked) {
        const edge = edgeFor(source, target, branch);
        return es.some((e) => e.id === edge.id) ? es : [...es, edge];
      }
      return es.filter((e) => !(e.source === source && e.target === target && (branch === null || e.data?.branch === branch)));
    });
  };

  const remove = (id: string) => {
    checkpoint();
    setNodes((ns) => ns.filter((n) => n.id !== id));
    setEdges((es) => es.filter((e) => e.source !== id && e.target !== id));
    setSelectedState(null);
  };

  const layout = () => {
    checkpoint();
    setNodes((ns) => autoLayout(ns, edges));
    // Fit after React Flow has measured the moved nodes.
    window.setTimeout(() => void flow.fitView({ padding: 0.1, maxZoom: 1.1 }), 50);
  };

  /** Copies the selected steps; answers how many. */
  const copy = () => {
    const clip = copySelection(nodes, edges);
    if (clip) clipboard = { clip, pastes: 0 };
    return clip?.nodes.length ?? 0;
  };

  /** Pastes the copied steps beside the originals, selected; answers how many. */
  const paste = () => {
    if (!clipboard) return 0;
    checkpoint();
    clipboard.pastes += 1;
    const out = pasteClip(clipboard.clip, nodes.map((n) => n.id), clipboard.pastes);
    setNodes((ns) => [...ns.map((n) => (n.selected ? { ...n, selected: false } : n)), ...out.nodes]);
    setEdges((es) => [...es, ...out.edges]);
    setSelectedState(out.nodes.length === 1 ? (out.nodes[0]?.id ?? null) : null);
    const first = out.nodes[0];
    if (first) reveal(first.position);
    return out.nodes.length;
  };

  return {
    nodes,
    edges,
    settings,
    updateSettings,
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
    copy,
    paste,
    undo: history.undo,
    redo: history.redo,
    canUndo: history.canUndo,
    canRedo: history.canRedo,
  };
}
