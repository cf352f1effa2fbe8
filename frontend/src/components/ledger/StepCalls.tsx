// Links from a flow run's step to the LLM calls it made (one per attempt that reached the gateway).

import { Link, useParams } from "react-router-dom";
import { usd } from "../../api/ledger";
import { useStepCalls } from "../../hooks/useLedger";

export function StepCalls({ nodeId }: { nodeId: string }) {
  // The run is the page's (/flows/:id/runs/:runId): the step's record does not repeat it.
  const { runId = "" } = useParams();
  const q = useStepCalls(runId, nodeId);
  const calls = q.data?.items ?? [];
  if (!runId || calls.length === 0) return null;
  return (
    <p className="small" data-testid="step-calls">
      LLM call{calls.length > 1 ? "s" : ""}:{" "}
      {calls.map((c, i) => (
        <span key={c.id}>
          {i > 0 && ", "}
          <Link to={`/ledger/calls/${c.id}`} title={`${c.status} · ${usd(c.total_cost_usd)}`}>
            ledger #{c.id}
          </Link>
        </span>
      ))}
    </p>
  );
}
