// Architect data hooks: the model list, and one generation at a time (streamed, cancellable).

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import {
  generateStream,
  getDefaultModel,
  getModelCatalog,
  reviseStream,
  type ArchitectCard,
  type ArchitectEvent,
  type GenerateBody,
  type Generation,
  type ReviseBody,
} from "../api/architect";

export function useModelCatalog() {
  // Silent: the page explains a missing list itself instead of a toast.
  return useQuery({ queryKey: ["llm-models"], queryFn: getModelCatalog, staleTime: 30_000, meta: { silent: true } });
}

/** The model "Default" stands for with this provider picked ("" = the default provider). */
export function useDefaultModel(provider: string) {
  return useQuery({
    queryKey: ["architect", "default-model", provider],
    queryFn: () => getDefaultModel(provider),
    meta: { silent: true },
  });
}

const DRAFT_KEY = "forge.architect.draft";

/** The prompt being written, kept for this tab (sessionStorage) so switching screens keeps it.
 *  A prompt handed over in the URL (?prompt=…) replaces it. */
export function usePromptDraft(prefill: string | null): [string, (text: string) => void] {
  const [text, setText] = useState<string>(() => {
    if (prefill !== null) return prefill;
    try {
      return window.sessionStorage.getItem(DRAFT_KEY) ?? "";
    } catch {
      return "";
    }
  });
  useEffect(() => {
    try {
      if (text) window.sessionStorage.setItem(DRAFT_KEY, text);
      else window.sessionStorage.removeItem(DRAFT_KEY);
    } catch {
      // Storage refused (private mode, quota): the draft lives only while the screen is open.
    }
  }, [text]);
  return [text, setText];
}

export type Phase = "idle" | "streaming" | "done" | "error" | "cancelled";

export interface ArchitectState {
  phase: Phase;
  /** "generate" or "revise": what the current or last stream was doing. */
  action: "generate" | "revise";
  /** The answer text as it arrived. */
  text: string;
  startedAt: number | null;
  /** The newest stored suggestion; kept while a revision streams. */
  generation: Generation | null;
  error: unknown;
}

const initial: ArchitectState = {
  phase: "idle",
  action: "generate",
  text: "",
  startedAt: null,
  generation: null,
  error: null,
};

export function useArchitect() {
  const [state, setState] = useState<ArchitectState>(initial);
  const abortRef = useRef<AbortController | null>(null);
  const queryClient = useQueryClient();

  useEffect(() => () => abortRef.current?.abort(), []);

  const consume = useCallback(
    async (action: ArchitectState["action"], open: (signal: AbortSignal) => AsyncGenerator<ArchitectEvent>) => {
      abortRef.current?.abort();
      const controller = new AbortController();
      abortRef.current = controller;
      // A new request replaces the card on screen (it stays saved); a revision keeps it visible.
      setState((s) => ({
        ...s,
        phase: "streaming",
        action,
        text: "",
        startedAt: Date.now(),
        error: null,
        generation: action === "generate" ? null : s.generation,
      }));
      try {
        for await (const ev of open(controller.signal)) {
          if (ev.kind === "delta") setState((s) => ({ ...s, text: s.text + ev.text }));
          else setState((s) => ({ ...s, phase: "done", generation: ev.generation }));
        }
        // A new card exists (and a revision may have replaced one): the deck is stale.
        void queryClient.invalidateQueries({ predicate: (q) => ["commands", "ledger", "budgets"].includes(String(q.queryKey[0])) });
      } catch (err) {
        if (controller.signal.aborted) setState((s) => ({ ...s, phase: "cancelled" }));
        else setState((s) => ({ ...s, phase: "error", error: err }));
      } finally {
        if (abortRef.current === controller) abortRef.current = null;
      }
    },
    [queryClient],
  );

  const generate = useCallback(
    (body: GenerateBody) => consume("generate", (signal) => generateStream(body, signal)),
    [consume],
  );
  const revise = useCallback(
    (body: ReviseBody) => consume("revise", (signal) => reviseStream(body, signal)),
    [consume],
  );
  const cancel = useCallback(() => abortRef.current?.abort(), []);
  const reset = useCallback(() => {
    abortRef.current?.abort();
    setState(initial);
  }, []);
  /** After an inline edit: show the card as the server now stores it. */
  const replaceCard = useCallback((card: ArchitectCard) => {
    setState((s) => (s.generation ? { ...s, generation: { ...s.generation, card } } : s));
  }, []);

  return { state, generate, revise, cancel, reset, replaceCard };
}
