// Data hooks for command cards and runs: TanStack Query for server state, EventSource for live runs.

import { useEffect, useRef, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  analyzeCommand,
  cancelRun,
  createCard,
  deleteCard,
  FINAL_STATUSES,
  importCards,
  listCards,
  listRuns,
  listTags,
  previewRun,
  runEventsPath,
  startRun,
  updateCard,
  type CardFields,
  type OnDuplicate,
  type RiskVerdict,
  type RunPreview,
  type Run,
  type RunRequest,
} from "../api/commands";
import { TicketedEventSource } from "../api/eventSource";

export function useCards(q: string, tag: string) {
  return useQuery({
    queryKey: ["commands", "cards", q, tag],
    queryFn: ({ signal }) => listCards(q || undefined, tag || undefined, signal),
    placeholderData: (previous) => previous,
  });
}

export function useTags() {
  return useQuery({ queryKey: ["commands", "tags"], queryFn: listTags });
}

/** Runs, newest first; refreshed every second while any of them is still running. */
export function useRuns(cardId: number | undefined) {
  return useQuery({
    queryKey: ["commands", "runs", cardId ?? "all"],
    queryFn: () => listRuns(cardId),
    refetchInterval: (query) => (query.state.data?.some((r) => r.status === "running") ? 1000 : false),
  });
}

function useInvalidateCommands() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: ["commands"] });
}

export function useSaveCard() {
  const invalidate = useInvalidateCommands();
  return useMutation({
    mutationFn: ({ id, fields }: { id?: number; fields: CardFields }) =>
      id === undefined ? createCard(fields) : updateCard(id, fields),
    onSuccess: invalidate,
    // The card form shows the error beside the fields.
    meta: { silent: true },
  });
}

export function useDeleteCard() {
  const invalidate = useInvalidateCommands();
  return useMutation({ mutationFn: deleteCard, onSuccess: invalidate });
}

export function useImportCards() {
  const invalidate = useInvalidateCommands();
  return useMutation({
    mutationFn: ({ bundle, onDuplicate }: { bundle: unknown; onDuplicate: OnDuplicate }) => importCards(bundle, onDuplicate),
    onSuccess: invalidate,
    // The import reports its own outcome (one toast, or the duplicates question).
    meta: { silent: true },
  });
}

export function useStartRun() {
  const invalidate = useInvalidateCommands();
  return useMutation({ mutationFn: (body: RunRequest) => startRun(body), onSuccess: invalidate });
}

export function useCancelRun() {
  const invalidate = useInvalidateCommands();
  return useMutation({ mutationFn: cancelRun, onSettled: invalidate });
}

/** The risk verdict of a command being typed, fetched after a short pause. */
export function useRiskPreview(command: string): { verdict: RiskVerdict | null; pending: boolean } {
  const [verdict, setVerdict] = useState<RiskVerdict | null>(null);
  const [pending, setPending] = useState(false);
  useEffect(() => {
    if (!command.trim()) {
      setVerdict(null);
      return;
    }
    const ctrl = new AbortController();
    setPending(true);
    const id = window.setTimeout(() => {
      analyzeCommand(command, ctrl.signal)
        .then(setVerdict)
        .catch(() => setVerdict(null))
        .finally(() => !ctrl.signal.aborted && setPending(false));
    }, 300);
    return () => {
      ctrl.abort();
      window.clearTimeout(id);
    };
  }, [command]);
  return { verdict, pending };
}

/** Exactly what a run request would execute (command, bindings, risk), after a short pause. */
export function useRunPreview(body: RunRequest | null): { preview: RunPreview | null; error: unknown } {
  const [preview, setPreview] = useState<RunPreview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const key = body ? JSON.stringify(body) : "";
  useEffect(() => {
    if (!body) {
      setPreview(null);
      return;
    }
    const ctrl = new AbortController();
    const id = window.setTimeout(() => {
      previewRun(body, ctrl.signal)
        .then((p) => {
          setPreview(p);
          setError(null);
        })
        .catch((err: unknown) => {
          if (ctrl.signal.aborted) return;
          setPreview(null);
          setError(err);
        });
    }, 200);
    return () => {
      ctrl.abort();
      window.clearTimeout(id);
    };
    // `key` stands for the body's content.
  }, [key]);
  return { preview, error };
}

export interface Chunk {
  stream: string;
  data: string;
  seq: number;
}

export interface RunStream {
  run: Run | null;
  /** Called for every chunk in order (replay first); the panel renders them incrementally. */
  error: string | null;
  done: boolean;
}

/**
 * Follows a run's SSE stream: chunks from the start (replayed), then live, then the final status.
 * `onChunk` is called for each chunk; the hook returns the latest run object.
 */
export function useRunStream(runId: number | null, onChunk: (chunk: Chunk) => void): RunStream {
  const [run, setRun] = useState<Run | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const chunkRef = useRef(onChunk);
  chunkRef.current = onChunk;
  const client = useQueryClient();
  useEffect(() => {
    if (runId === null) return;
    setRun(null);
    setError(null);
    setDone(false);
    const source = new TicketedEventSource(runEventsPath(runId), false);
    let finished = false;
    source.addEventListener("chunk", (e) => chunkRef.current(JSON.parse((e as MessageEvent).data) as Chunk));
    source.addEventListener("status", (e) => {
      const next = (JSON.parse((e as MessageEvent).data) as { run: Run }).run;
      setRun(next);
      if (FINAL_STATUSES.includes(next.status)) {
        finished = true;
        setDone(true);
        source.close();
        void client.invalidateQueries({ queryKey: ["commands"] });
      }
    });
    source.onerror = () => {
      if (finished) return;
      source.close();
      setError("Lost the live output stream. Reload the run to see what it printed.");
    };
    return () => source.close();
  }, [runId, client]);
  return { run, error, done };
}
