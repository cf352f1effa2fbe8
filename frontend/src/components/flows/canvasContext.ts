// What every node on the canvas needs besides its own data: validation issues and live run state.

import { createContext, useContext } from "react";
import type { NodeRun, ValidationIssue } from "../../api/flows";

export interface CanvasInfo {
  issues: ReadonlyMap<string, ValidationIssue[]>;
  /** Node records of the run being watched; empty in the editor. */
  runNodes: ReadonlyMap<string, NodeRun>;
  /** Approve / reject a node waiting in awaiting_approval; absent when not watching a run. */
  decide?: (nodeId: string, approve: boolean) => void;
  deciding: ReadonlySet<string>;
}

export const CanvasContext = createContext<CanvasInfo>({
  issues: new Map(),
  runNodes: new Map(),
  deciding: new Set(),
});

export const useCanvasInfo = () => useContext(CanvasContext);

export function groupIssues(issues: ValidationIssue[]): Map<string, ValidationIssue[]> {
  const out = new Map<string, ValidationIssue[]>();
  for (const issue of issues) {
    const key = issue.node_id ?? "";
    out.set(key, [...(out.get(key) ?? []), issue]);
  }
  return out;
}
