// Typed client for the Settings screen: stored keys (never values), provider settings, roles.

import { api } from "./client";

export type Storage = "os-keyring" | "encrypted-db";

export interface KeyStatus {
  name: string;
  provider: string | null;
  configured: boolean;
  storage: Storage;
  /** e.g. "••••abcd"; never the value. */
  masked: string | null;
  updated_at: string | null;
  /** Why a stored value cannot be read (wrong master key, modified bytes), if so. */
  problem: string | null;
  /** The environment variable supplying this key when none is stored (its name, never the value). */
  env_var?: string | null;
}

export interface KeyTestResult {
  ok: boolean;
  provider: string;
  models: number;
}

export interface StorageInfo {
  storage: Storage;
  label: string;
  reason: string;
  os_keyring_backend: string;
  database: string | null;
  cipher: string | null;
  master_key: "file" | "os-keyring" | null;
  master_key_location: string | null;
  master_key_exists: boolean;
  problem: string | null;
}

export const KEY_NAME_PATTERN = /^[a-z0-9_.-]{1,100}$/;

export const listKeys = () => api<KeyStatus[]>("/keys");
export const getStorage = () => api<StorageInfo>("/keys/storage");
export const setKey = (name: string, value: string) =>
  api<KeyStatus>(`/keys/${encodeURIComponent(name)}`, { method: "PUT", body: { value } });
export const deleteKey = (name: string) => api<void>(`/keys/${encodeURIComponent(name)}`, { method: "DELETE" });
export const testKey = (name: string) =>
  api<KeyTestResult>(`/keys/${encodeURIComponent(name)}/test`, { method: "POST" });

// ---- provider settings (GET/PUT /api/settings/providers) -------------------------------------

export interface VendorSettings {
  enabled: boolean;
  base_url: string | null;
  default_model: string | null;
}

export interface CompatibleServer {
  name: string;
  base_url: string;
  api_key_name: string | null;
  enabled: boolean;
  local: boolean;
  default_model: string | null;
  models: string[];
}

export interface ProvidersConfig {
  openai: VendorSettings;
  anthropic: VendorSettings;
  compatible: CompatibleServer[];
  default_provider: string | null;
}

export interface ProviderInfo {
  name: string;
  label: string;
  kind: "openai" | "anthropic" | "compatible";
  enabled: boolean;
  configured: boolean;
  key_source: "keyring" | "env" | "none";
  base_url: string;
  default_model: string | null;
  local: boolean;
}

export interface ProvidersView {
  settings: ProvidersConfig;
  providers: ProviderInfo[];
}

export interface DiscoveredModels {
  base_url: string;
  models: string[];
}

export const SERVER_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/;

export const getProviders = () => api<ProvidersView>("/settings/providers");
export const putProviders = (config: ProvidersConfig) =>
  api<ProvidersView>("/settings/providers", { method: "PUT", body: config });
export const discoverModels = (body: { base_url: string; api_key?: string; api_key_name?: string }) =>
  api<DiscoveredModels>("/settings/providers/discover", { method: "POST", body });

// ---- models (GET /api/llm/models) ----------------------------------------------------------

export interface CatalogModel {
  provider: string;
  model: string;
  configured: boolean;
  is_default: boolean;
  status: string;
  cost_status: "priced" | "free" | "unpriced";
}

export interface ModelCatalog {
  providers: ProviderInfo[];
  models: CatalogModel[];
}

export const getModelCatalog = () => api<ModelCatalog>("/llm/models");

// ---- agent roles (/api/roles) ----------------------------------------------------------------

export interface Role {
  name: string;
  description: string;
  system_prompt: string;
  default_model: string | null;
  builtin: boolean;
  /** A built-in whose prompt the user has edited. */
  customized: boolean;
  created_at: string | null;
  updated_at: string | null;
}

export interface RoleInput {
  description: string;
  system_prompt: string;
  default_model: string | null;
}

export const ROLE_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,99}$/;
export const ROLE_NAME_RULE = "Use lowercase letters, digits, - or _, starting with a letter.";

/** What a typed role name is stored as: "Doc Writer" → "doc-writer" (as GitHub does for repos). */
export function slugRoleName(typed: string): string {
  return typed
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "") // "é" → "e": accents dropped, not the letter
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 100);
}

export const listRoles = () => api<Role[]>("/roles");
export const createRole = (role: RoleInput & { name: string }) =>
  api<Role>("/roles", { method: "POST", body: role });
export const updateRole = (name: string, role: RoleInput) =>
  api<Role>(`/roles/${encodeURIComponent(name)}`, { method: "PUT", body: role });
/** 204 (undefined) for a custom role; the restored default for an edited built-in. */
export const deleteRole = (name: string) =>
  api<Role | undefined>(`/roles/${encodeURIComponent(name)}`, { method: "DELETE" });
