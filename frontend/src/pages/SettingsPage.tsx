// Settings: provider keys and endpoints, local servers, other secrets, agent roles, appearance,
// how the keys are actually stored, and the signed-in browser sessions.

import { useMemo } from "react";
import { builtinVendors } from "../api/settings";
import { Spinner } from "../components/Elapsed";
import { ErrorNote } from "../components/ErrorNote";
import { AppearanceSection } from "../components/settings/AppearanceSection";
import { LocalServers } from "../components/settings/LocalServers";
import { OtherSecrets } from "../components/settings/OtherSecrets";
import { ProviderCard } from "../components/settings/ProviderCard";
import { RolesSection } from "../components/settings/RolesSection";
import { SessionsSection } from "../components/settings/SessionsSection";
import { StoragePanel } from "../components/settings/StoragePanel";
import "../components/settings/settings.css";
import { useKeys, useModelCatalog, useProviders } from "../hooks/useSettings";

const SECTIONS = [
  ["providers", "Providers"],
  ["servers-heading", "Local servers"],
  ["secrets-heading", "Secrets"],
  ["roles-heading", "Roles"],
  ["appearance-heading", "Appearance"],
  ["storage-heading", "Key storage"],
  ["sessions-heading", "Sessions"],
] as const;

export default function SettingsPage() {
  const keys = useKeys();
  const providers = useProviders();
  const catalog = useModelCatalog();

  const modelsOf = useMemo(() => {
    const by = new Map<string, string[]>();
    for (const m of catalog.data?.models ?? []) by.set(m.provider, [...(by.get(m.provider) ?? []), m.model]);
    return (provider: string) => by.get(provider) ?? [];
  }, [catalog.data]);
  const allModels = useMemo(() => [...new Set((catalog.data?.models ?? []).map((m) => m.model))], [catalog.data]);

  const keyList = keys.data ?? [];
  const config = providers.data?.settings;
  const infos = providers.data?.providers ?? [];
  const providerKeyNames = new Set(keyList.filter((k) => k.provider !== null).map((k) => k.name));
  const otherKeys = keyList.filter((k) => k.provider === null);

  return (
    <div className="page settings-page">
      <h1>Settings</h1>
      <nav className="settings-toc" aria-label="Settings sections">
        {SECTIONS.map(([id, label]) => (
          <a key={id} href={`#${id}`}>
            {label}
          </a>
        ))}
      </nav>

      <section aria-labelledby="providers" className="settings-section">
        <h2 id="providers">Providers</h2>
        {(keys.isPending || providers.isPending) && <Spinner label="Loading providers" />}
        <ErrorNote error={keys.error ?? providers.error} />
        {config && keys.data && (
          <div className="provider-grid">
            {builtinVendors(providers.data?.vendors).map((vendor) => (
              <ProviderCard
                key={vendor.name}
                vendor={vendor}
                config={config}
                info={infos.find((i) => i.name === vendor.name)}
                keyStatus={keyList.find((k) => k.name === vendor.name)}
                models={modelsOf(vendor.name)}
              />
            ))}
          </div>
        )}
      </section>

      {config && keys.data && <LocalServers config={config} infos={infos} keys={keyList} />}
      {keys.data && <OtherSecrets keys={otherKeys} reserved={providerKeyNames} />}
      <RolesSection models={allModels} />
      <AppearanceSection />
      <StoragePanel />
      <SessionsSection />
    </div>
  );
}
