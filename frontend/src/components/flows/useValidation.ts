// Validates the definition on the server as it changes (debounced), ignoring moves on the canvas.

import { useEffect, useMemo, useState } from "react";
import { validateFlow, type FlowDefinition, type ValidationIssue } from "../../api/flows";
import { errorMessage } from "../ErrorNote";

const DEBOUNCE_MS = 400;

export function useValidation(definition: FlowDefinition): { issues: ValidationIssue[]; checking: boolean } {
  // Positions do not affect validity, so dragging a node does not trigger a request.
  const key = useMemo(
    () =>
      JSON.stringify({
        nodes: definition.nodes.map(({ position: _p, ...rest }) => rest),
        edges: definition.edges,
        settings: definition.settings,
      }),
    [definition],
  );
  const [issues, setIssues] = useState<ValidationIssue[]>([]);
  const [checking, setChecking] = useState(false);
  useEffect(() => {
    const ctrl = new AbortController();
    const timer = window.setTimeout(() => {
      setChecking(true);
      validateFlow(JSON.parse(key) as FlowDefinition, ctrl.signal)
        .then((report) => setIssues(report.issues))
        .catch((err: unknown) => {
          if (ctrl.signal.aborted) return;
          setIssues([{ node_id: null, field: "", message: `Could not check the flow: ${errorMessage(err)}` }]);
        })
        .finally(() => {
          if (!ctrl.signal.aborted) setChecking(false);
        });
    }, DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      ctrl.abort();
    };
  }, [key]);
  return { issues, checking };
}
