// Data hooks for flows: queries, mutations and the live run subscription (SSE).

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useReducer } from "react";
import { TicketedEventSource } from "../api/eventSource";
import * as flows from "../api/flows";
import { FINISHED_RUN, initialRunState, parseRunEvent, runReducer, type RunViewState } from "../components/flows/runState";

export const flowKeys = {
  all: ["flows"] as const,
  list: (archived: boolean) => ["flows", "list", archived] as const,
  one: (id: number) => ["flows", "one", id] as const,
  versions: (id: number) => ["flows", "versions", id] as const,
  runs: (id: number) => ["flows", "runs", id] as const,
  run: (runId: number) => ["flows", "run", runId] as const,
  allRuns: (filter: flows.RunFilter) => ["flows", "all-runs", filter] as const,
};

const LIVE_POLL_MS = 2000;

export function useFlowList(includeArchived: boolean) {
  return useQuery({ queryKey: flowKeys.list(includeArchived), queryFn: () => flows.listFlows(includeArchived) });
}

export function useFlow(id: number) {
  return useQuery({ queryKey: flowKeys.one(id), queryFn: () => flows.getFlow(id), enabled: Number.isFinite(id) });
}

export function useFlowVersions(id: number, enabled: boolean) {
  return useQuery({ queryKey: flowKeys.versions(id), queryFn: () => flows.listVersions(id), enabled });
}

export function useFlowRuns(id: number, enabled = true) {
  return useQuery({ queryKey: flowKeys.runs(id), queryFn: () => flows.listRuns(id), enabled });
}

/** Runs across flows, a page at a time; polled while any listed run is still in progress. */
export function useAllRuns(filter: flows.RunFilter) {
  return useInfiniteQuery({
    queryKey: flowKeys.allRuns(filter),
    queryFn: ({ pageParam }) => flows.listAllRuns(filter, pageParam),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.next_before,
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.runs.some((r) => !FINISHED_RUN.has(r.status))) ? LIVE_POLL_MS : false,
  });
}

/** Invalidates every flows query after a change, so list, editor and history agree. */
export function useFlowsInvalidate() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: flowKeys.all });
}

export function useFlowMutation<A, R>(fn: (arg: A) => Promise<R>) {
  const invalidate = useFlowsInvalidate();
  return useMutation({ mutationFn: fn, onSuccess: () => void invalidate() });
}

/**
 * Follows a run live: the first event is a full snapshot, then changes; EventSource reconnects by
 * itself and the server sends a fresh snapshot on every connection, so a gap never loses state.
 * Bumping `epoch` subscribes again (after a resume, when the old stream has ended).
 */
export function useRunEvents(runId: number | null, epoch = 0): RunViewState & { connected: boolean } {
  const [state, dispatch] = useReducer(runReducer, initialRunState);
  const [connected, setConnected] = useReducer((_: boolean, v: boolean) => v, false);
  const qc = useQueryClient();
  useEffect(() => {
    if (runId === null) return;
    const source = new TicketedEventSource(flows.runEventsPath(runId), true);
    const names = ["snapshot", "run", "node", "output", "end"] as const;
    const handler = (ev: MessageEvent<string>) => {
      const parsed = parseRunEvent(ev.type, ev.data);
      if (!parsed) return;
      dispatch(parsed);
      if (parsed.type === "end") {
        source.close();
        setConnected(false);
        void qc.invalidateQueries({ queryKey: flowKeys.all });
      } else if (parsed.type === "run" && parsed.run.status && FINISHED_RUN.has(parsed.run.status)) {
        void qc.invalidateQueries({ queryKey: flowKeys.all });
      }
    };
    for (const name of names) source.addEventListener(name, handler as EventListener);
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    return () => {
      source.close();
      setConnected(false);
    };
  }, [runId, epoch, qc]);
  return { ...state, connected };
}
