// Typed client for the Settings screen: stored keys (never values), provider settings, roles.

import { call, callEmpty, callOptional, client } from "./client";
import type { components } from "./schema.gen";

type Schemas = components["schemas"];

export type Storage = Schemas["KeyOut"]["storage"];
/** A stored key as listed: its name, masked tail and storage, never the value. */
export type KeyStatus = Schemas["KeyOut"];
export type KeyTestResult = Schemas["KeyTestOut"];
export type StorageInfo = Schemas["StorageOut"];

export const KEY_NAME_PATTERN = /^[a-z0-9_.-]{1,100}$/;

const byName = (name: string) => ({ params: { path: { name } } });

export const listKeys = () => call(client.GET("/api/keys"));
export const getStorage = () => call(client.GET("/api/keys/storage"));
export const setKey = (name: string, value: string) =>
  call(client.PUT("/api/keys/{name}", { ...byName(name), body: { value } }));
export const deleteKey = (name: string) => callEmpty(client.DELETE("/api/keys/{name}", byName(name)));
export const testKey = (name: string) => call(client.POST("/api/keys/{name}/test", byName(name)));

// ---- provider settings (GET/PUT /api/settings/providers) -------------------------------------

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

export type DiscoveredModels = Schemas["DiscoveredModels"];

export const SERVER_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/;

// The server fills in every default; the view's settings are read with them (see ProvidersConfig).
const asView = (view: Schemas["ProvidersView"]) => view as ProvidersView;

export const getProviders = () => call(client.GET("/api/settings/providers")).then(asView);
export const putProviders = (config: ProvidersConfig) =>
  call(client.PUT("/api/settings/providers", { body: config })).then(asView);
export const discoverModels = (body: Schemas["DiscoverIn"]) =>
  call(client.POST("/api/settings/providers/discover", { body }));

// ---- models (GET /api/llm/models) ----------------------------------------------------------

export type CatalogModel = Schemas["ModelInfo"];
export type ModelCatalog = Schemas["ModelCatalog"];

export const getModelCatalog = () => call(client.GET("/api/llm/models"));

// ---- agent roles (/api/roles) ----------------------------------------------------------------

export type Role = Schemas["Role"];
export type RoleInput = Schemas["RoleInput"];

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

export const listRoles = () => call(client.GET("/api/roles"));
export const createRole = (role: Schemas["RoleCreate"]) => call(client.POST("/api/roles", { body: role }));
export const updateRole = (name: string, role: RoleInput) =>
  call(client.PUT("/api/roles/{name}", { ...byName(name), body: role }));
/** 204 (undefined) for a custom role; the restored default for an edited built-in. */
export const deleteRole = (name: string) => callOptional(client.DELETE("/api/roles/{name}", byName(name)));
