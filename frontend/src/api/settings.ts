// Typed client for the Settings screen: stored keys (never values), provider settings, roles.

import { api } from "./client";
import type { components } from "./schema.gen";

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

type Schemas = components["schemas"];

export type VendorSettings = Schemas["VendorSettings"];
/** What the server knows about one vendor (GET /api/settings/providers `vendors`). */
export type VendorInfo = Schemas["VendorInfo"];
/** As the server sends it: every default filled in. */
export type CompatibleServer = Required<Schemas["CompatibleServer"]>;
/** One VendorSettings field per built-in vendor (named by VendorInfo.name), plus the servers. */
export type ProvidersConfig = Omit<Schemas["ProvidersConfig"], "compatible" | "default_provider"> & {
  compatible: CompatibleServer[];
  default_provider: string | null;
};
export type ProviderInfo = Schemas["ProviderInfo"];
export type ProvidersView = Omit<Schemas["ProvidersView"], "settings"> & { settings: ProvidersConfig };

const VENDOR_DEFAULTS: VendorSettings = { enabled: true, base_url: null, default_model: null };

/** A built-in vendor's settings; vendor fields are added per registered vendor by the server. */
export function vendorSettings(config: ProvidersConfig, vendor: string): VendorSettings {
  const value = (config as Record<string, unknown>)[vendor];
  return typeof value === "object" && value !== null ? (value as VendorSettings) : VENDOR_DEFAULTS;
}

export function withVendorSettings(config: ProvidersConfig, vendor: string, value: VendorSettings): ProvidersConfig {
  return { ...config, [vendor]: value };
}

/** Built-in vendors (one card each), in the server's order; local-server kinds excluded. */
export const builtinVendors = (vendors: VendorInfo[] | undefined): VendorInfo[] =>
  (vendors ?? []).filter((v) => !v.local_servers);

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

export type CatalogModel = Schemas["ModelInfo"];
export type ModelCatalog = Schemas["ModelCatalog"];

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
