// The editor's undo/redo stack (history.ts) bound to React state: checkpoint before an edit,
// undo/redo restore a snapshot, and the toolbar re-renders when either becomes (un)available.

import { useCallback, useReducer, useRef } from "react";
import type { FlowSettings } from "../../api/flows";
import type { FlowEdge, FlowNode } from "./graph";
import { emptyHistory, record, redo, seal, undo, type History } from "./history";

export interface GraphSnapshot {
  nodes: FlowNode[];
  edges: FlowEdge[];
  settings: FlowSettings;
}

// React state is immutable, so an unchanged snapshot keeps its three references.
const same = (a: GraphSnapshot, b: GraphSnapshot) => a.nodes === b.nodes && a.edges === b.edges && a.settings === b.settings;

export function useGraphHistory(current: GraphSnapshot, restore: (s: GraphSnapshot) => void) {
  const now = useRef(current);
  now.current = current;
  const history = useRef<History<GraphSnapshot>>(emptyHistory());
  const [, rerender] = useReducer((n: number) => n + 1, 0);

  const set = useCallback((next: History<GraphSnapshot>) => {
    if (next === history.current) return;
    const wasEmpty = [history.current.past.length === 0, history.current.future.length === 0];
    history.current = next;
    if (wasEmpty[0] !== (next.past.length === 0) || wasEmpty[1] !== (next.future.length === 0)) rerender();
  }, []);

  /** Call before an edit; edits with the same `key` in a row (typing in one field) are one step. */
  const checkpoint = useCallback((key: string | null = null) => set(record(history.current, now.current, key, same)), [set]);
  const sealStep = useCallback(() => set(seal(history.current)), [set]);
  const clear = useCallback(() => set(emptyHistory()), [set]);
  const step = useCallback(
    (move: typeof undo) => {
      const r = move(history.current, now.current);
      if (!r) return false;
      set(r[0]);
      restore(r[1]);
      return true;
    },
    [restore, set],
  );

  return {
    checkpoint,
    seal: sealStep,
    clear,
    /** The key of the step being recorded, e.g. "drag" while a drag is in progress. */
    currentKey: useCallback(() => history.current.key, []),
    undo: useCallback(() => step(undo), [step]),
    redo: useCallback(() => step(redo), [step]),
    canUndo: history.current.past.length > 0,
    canRedo: history.current.future.length > 0,
  };
}
