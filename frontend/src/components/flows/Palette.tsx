// The node palette: drag a type onto the canvas, or click (Enter) to add it after the selected node.

import type { NodeType } from "../../api/flows";
import { DRAG_MIME } from "./FlowCanvas";
import { NODE_TYPES } from "./graph";

export function Palette({ onAdd, disabled }: { onAdd: (type: NodeType) => void; disabled?: boolean }) {
  return (
    <aside className="flow-palette" aria-label="Node palette">
      <h2 className="small muted">Add a step</h2>
      {NODE_TYPES.map((t) => (
        <button
          key={t.type}
          className={`palette-item palette-${t.type}`}
          draggable={!disabled}
          disabled={disabled}
          title={`${t.hint}. Drag onto the canvas, or click to add after the selected step.`}
          onDragStart={(e) => {
            e.dataTransfer.setData(DRAG_MIME, t.type);
            e.dataTransfer.effectAllowed = "copy";
          }}
          onClick={() => onAdd(t.type)}
        >
          <strong>{t.label}</strong>
          <span className="small muted">{t.hint}</span>
        </button>
      ))}
      <p className="small muted palette-help">
        Click adds after the selected step. Connect steps by dragging from a right handle to a left handle, or
        with “Runs after” in the step’s panel. Delete removes the selection.
      </p>
    </aside>
  );
}
