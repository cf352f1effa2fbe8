// The node palette: drag a type onto the canvas, or click (Enter) to add it after the selected
// node. It folds to a narrow rail so the canvas can have the width.

import type { NodeType } from "../../api/flows";
import { useNodeTypes } from "../../hooks/useNodeTypes";
import { DRAG_MIME } from "./FlowCanvas";

interface Props {
  onAdd: (type: NodeType) => void;
  disabled?: boolean;
  collapsed: boolean;
  onToggle: () => void;
}

export function Palette({ onAdd, disabled, collapsed, onToggle }: Props) {
  const types = useNodeTypes().data ?? [];
  const toggle = (
    <button
      className="icon-button panel-toggle"
      onClick={onToggle}
      aria-expanded={!collapsed}
      aria-label={collapsed ? "Show the step palette" : "Hide the step palette"}
      title={collapsed ? "Show the step palette" : "Hide the step palette"}
    >
      {collapsed ? "»" : "«"}
    </button>
  );
  if (collapsed) {
    return (
      <aside className="flow-palette collapsed" aria-label="Node palette">
        {toggle}
      </aside>
    );
  }
  return (
    <aside className="flow-palette" aria-label="Node palette">
      <div className="panel-head">
        <h2 className="small muted">Add a step</h2>
        {toggle}
      </div>
      <div id="flow-palette-items" className="palette-items">
        {types.map((t) => (
          <button
            key={t.type}
            className={`palette-item palette-${t.type}`}
            draggable={!disabled}
            disabled={disabled}
            title={`${t.description}. Drag onto the canvas, or click to add after the selected step.`}
            onDragStart={(e) => {
              e.dataTransfer.setData(DRAG_MIME, t.type);
              e.dataTransfer.effectAllowed = "copy";
            }}
            onClick={() => onAdd(t.type as NodeType)}
          >
            <strong>{t.label}</strong>
            <span className="small muted">{t.description}</span>
          </button>
        ))}
      </div>
      <p className="small muted palette-help">
        Click adds after the selected step. Connect steps by dragging from a right handle to a left handle, or
        with “Runs after” in the step’s panel. Delete removes the selection; Ctrl+Z undoes, Ctrl+C / Ctrl+V copy
        and paste steps.
      </p>
    </aside>
  );
}
