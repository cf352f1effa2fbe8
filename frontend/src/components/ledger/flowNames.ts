// Flow ids on ledger rows shown as the flows' names (the ledger stores the id, as the spec says).

import { useQuery } from "@tanstack/react-query";
import { listFlows } from "../../api/flows";

export function useFlowNames(): (flowId: string) => string {
  const q = useQuery({ queryKey: ["flows", "names"], queryFn: () => listFlows(true), staleTime: 30_000, meta: { silent: true } });
  const names = new Map((q.data ?? []).map((f) => [String(f.id), f.name]));
  return (flowId) => {
    const name = names.get(flowId);
    return name ? `${name} (#${flowId})` : q.isSuccess ? `#${flowId} (deleted)` : `#${flowId}`;
  };
}
