// The React Flow canvas shared by the editor (editable) and the run view (read-only).

import {
  Background,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type OnEdgesChange,
  type OnNodesChange,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useCallback, useRef, type DragEvent } from "react";
import type { NodeType } from "../../api/flows";
import { useCanvasNodeTypes } from "./FlowNodeView";
import type { FlowEdge, FlowNode } from "./graph";
import { NODE_HEIGHT_TYPICAL, NODE_WIDTH } from "./layout";
import { useStoredFlag } from "./useStoredFlag";

export const DRAG_MIME = "application/x-forge-node";

interface Props {
  nodes: FlowNode[];
  edges: FlowEdge[];
  readOnly?: boolean;
  onNodesChange?: OnNodesChange<FlowNode>;
  onEdgesChange?: OnEdgesChange<FlowEdge>;
  onConnect?: (c: Connection) => void;
  onDropNode?: (type: NodeType, position: { x: number; y: number }) => void;
  onSelect?: (nodeId: string | null) => void;
}

const MINIMAP_COLORS: Record<string, string> = {
  running: "#d29922",
  awaiting_approval: "#d29922",
  succeeded: "#3fb950",
  failed: "#f85149",
};

export function FlowCanvas(props: Props) {
  const { nodes, edges, readOnly, onNodesChange, onEdgesChange, onConnect, onDropNode, onSelect } = props;
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const [showMap, setShowMap] = useStoredFlag("forge.flows.minimap", true);
  const nodeTypes = useCanvasNodeTypes();
  // React Flow re-announces the selection whenever this handler's identity changes, so keep it stable.
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const onSelectionChange = useCallback(
    ({ nodes: sel }: { nodes: FlowNode[] }) => onSelectRef.current?.(sel.length === 1 ? (sel[0]?.id ?? null) : null),
    [],
  );

  const onDragOver = (e: DragEvent) => {
    if (readOnly || !e.dataTransfer.types.includes(DRAG_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
  };
  const onDrop = (e: DragEvent) => {
    const type = e.dataTransfer.getData(DRAG_MIME) as NodeType;
    if (readOnly || !type || !onDropNode) return;
    e.preventDefault();
    // The step is centred on the cursor, not hung from its top-left corner.
    const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    onDropNode(type, { x: at.x - NODE_WIDTH / 2, y: at.y - NODE_HEIGHT_TYPICAL / 2 });
  };

  return (
    <div className="flow-canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<FlowNode, FlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onSelectionChange={onSelectionChange}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        edgesFocusable={!readOnly}
        deleteKeyCode={readOnly ? null : ["Backspace", "Delete"]}
        colorMode="dark"
        fitView
        fitViewOptions={{ padding: 0.1, maxZoom: 1.1 }}
        minZoom={0.2}
        proOptions={{ hideAttribution: true }}
        defaultEdgeOptions={{ animated: false }}
      >
        <Background gap={20} />
        <Controls showInteractive={!readOnly}>
          <ControlButton
            onClick={() => setShowMap(!showMap)}
            aria-pressed={showMap}
            aria-label={showMap ? "Hide the overview map" : "Show the overview map"}
            title={showMap ? "Hide the overview map" : "Show the overview map"}
          >
            ▦
          </ControlButton>
        </Controls>
        {showMap && (
          <MiniMap
            pannable
            zoomable
            style={{ width: 120, height: 80 }}
            nodeColor={(n) => MINIMAP_COLORS[String(n.className ?? "")] ?? "#3d86ff"}
            ariaLabel="Flow overview"
          />
        )}
      </ReactFlow>
    </div>
  );
}
