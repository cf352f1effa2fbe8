// Data hooks for the Settings screen: keys and their storage, provider settings, agent roles.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import * as settings from "../api/settings";

export const settingsKeys = {
  keys: ["settings", "keys"] as const,
  storage: ["settings", "storage"] as const,
};

export function useKeys() {
  return useQuery({ queryKey: settingsKeys.keys, queryFn: settings.listKeys });
}

export function useStorage() {
  return useQuery({ queryKey: settingsKeys.storage, queryFn: settings.getStorage });
}

function useKeysInvalidate() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: settingsKeys.keys });
    void qc.invalidateQueries({ queryKey: settingsKeys.storage });
    // Whether a provider is configured, and where its key comes from, depends on stored keys.
    void qc.invalidateQueries({ queryKey: ["settings", "providers"] });
    void qc.invalidateQueries({ queryKey: ["llm"] });
  };
}

export function useSetKey() {
  const invalidate = useKeysInvalidate();
  return useMutation({
    mutationFn: ({ name, value }: { name: string; value: string }) => settings.setKey(name, value),
    onSettled: invalidate,
  });
}

export function useDeleteKey() {
  const invalidate = useKeysInvalidate();
  return useMutation({ mutationFn: (name: string) => settings.deleteKey(name), onSettled: invalidate });
}

/** Testing reports its outcome inline, so errors are not also raised as toasts. */
export function useTestKey() {
  return useMutation({ mutationFn: (name: string) => settings.testKey(name), meta: { quiet: true } });
}

export const providerKeys = {
  providers: ["settings", "providers"] as const,
  roles: ["settings", "roles"] as const,
  catalog: ["llm", "models"] as const,
};

export function useProviders() {
  return useQuery({ queryKey: providerKeys.providers, queryFn: settings.getProviders });
}

export function useModelCatalog() {
  return useQuery({ queryKey: providerKeys.catalog, queryFn: settings.getModelCatalog });
}

/** Saves the whole provider configuration; every view of providers and models refreshes. */
export function useSaveProviders() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: settings.putProviders,
    onSuccess: (view) => {
      qc.setQueryData(providerKeys.providers, view);
      void qc.invalidateQueries({ queryKey: ["llm"] });
      void qc.invalidateQueries({ queryKey: settingsKeys.keys });
    },
  });
}

export function useDiscoverModels() {
  return useMutation({ mutationFn: settings.discoverModels });
}

export function useRoles() {
  return useQuery({ queryKey: providerKeys.roles, queryFn: settings.listRoles });
}

function useRolesMutation<A, R>(fn: (arg: A) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: providerKeys.roles });
      // A role's default model is what the Architect's "Default" stands for.
      void qc.invalidateQueries({ queryKey: ["architect"] });
    },
  });
}

export const useCreateRole = () => useRolesMutation(settings.createRole);
export const useUpdateRole = () =>
  useRolesMutation(({ name, role }: { name: string; role: settings.RoleInput }) => settings.updateRole(name, role));
export const useDeleteRole = () => useRolesMutation(settings.deleteRole);
