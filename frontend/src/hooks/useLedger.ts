// Data hooks for the ledger screen and the budget meter (TanStack Query).

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  applySuggestion,
  dismissSuggestion,
  getActions,
  getBudgetStatus,
  getBudgets,
  getCall,
  getReprice,
  getSuggestions,
  getSummary,
  listLedger,
  putBudgets,
  undoAction,
  type BudgetSpec,
  type GroupBy,
  type LedgerFilters,
} from "../api/ledger";

export function useLedgerPages(filters: LedgerFilters) {
  return useInfiniteQuery({
    queryKey: ["ledger", "list", filters],
    queryFn: ({ pageParam, signal }) => listLedger(filters, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useCall(id: number) {
  return useQuery({ queryKey: ["ledger", "call", id], queryFn: ({ signal }) => getCall(id, signal), meta: { silent: true } });
}

/** The calls one flow step made (retries included), newest first. */
export function useStepCalls(runId: string, nodeId: string) {
  return useQuery({
    queryKey: ["ledger", "list", "step", runId, nodeId],
    queryFn: ({ signal }) => listLedger({ run_id: runId, node_id: nodeId }, undefined, signal),
    meta: { silent: true },
  });
}

export function useSummary(filters: LedgerFilters, groupBy: GroupBy) {
  return useQuery({
    queryKey: ["ledger", "summary", filters, groupBy],
    queryFn: ({ signal }) => getSummary(filters, groupBy, signal),
    placeholderData: (previous) => previous,
  });
}

export function useReprice(filters: LedgerFilters, model: string) {
  return useQuery({
    queryKey: ["ledger", "reprice", filters, model],
    queryFn: ({ signal }) => getReprice(filters, model, signal),
    enabled: model.length > 0,
  });
}

export function useBudgets() {
  return useQuery({ queryKey: ["budgets", "list"], queryFn: getBudgets });
}

export function useBudgetStatus() {
  return useQuery({ queryKey: ["budgets", "status"], queryFn: getBudgetStatus, refetchInterval: 30_000 });
}

export function useSaveBudgets() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (budgets: BudgetSpec[]) => putBudgets(budgets),
    onSuccess: () => client.invalidateQueries({ queryKey: ["budgets"] }),
  });
}

export function useSuggestions() {
  return useQuery({ queryKey: ["optimizations", "list"], queryFn: getSuggestions });
}

export function useActions() {
  return useQuery({ queryKey: ["optimizations", "actions"], queryFn: getActions });
}

function useOptimizationMutation<T>(fn: (arg: T) => Promise<unknown>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => client.invalidateQueries({ queryKey: ["optimizations"] }),
  });
}

export const useApplySuggestion = () => useOptimizationMutation(applySuggestion);
export const useDismissSuggestion = () => useOptimizationMutation(dismissSuggestion);
export const useUndoAction = () => useOptimizationMutation(undoAction);
