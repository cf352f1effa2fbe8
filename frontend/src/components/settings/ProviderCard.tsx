// One built-in vendor (as the server describes it): key status and controls, enable toggle,
// base URL and default model.

import { useEffect, useState, type FormEvent } from "react";
import {
  vendorSettings,
  withVendorSettings,
  type KeyStatus,
  type ProviderInfo,
  type ProvidersConfig,
  type VendorInfo,
  type VendorSettings,
} from "../../api/settings";
import { useSaveProviders } from "../../hooks/useSettings";
import { ErrorNote } from "../ErrorNote";
import { useToast } from "../Toasts";
import { KeyControl } from "./KeyControl";

interface Props {
  vendor: VendorInfo;
  config: ProvidersConfig;
  info: ProviderInfo | undefined;
  keyStatus: KeyStatus | undefined;
  models: string[];
}

export function keySourceText(info: ProviderInfo | undefined, envName: string): string {
  if (!info) return "";
  if (info.key_source === "keyring") return "Uses the stored key.";
  if (info.key_source === "env") return `Uses ${envName} from the environment (a stored key would take precedence).`;
  return "No key yet.";
}

export function ProviderCard({ vendor: spec, config, info, keyStatus, models }: Props) {
  const toast = useToast();
  const save = useSaveProviders();
  const vendor = spec.name;
  const label = spec.label;
  const current = vendorSettings(config, vendor);
  const [baseUrl, setBaseUrl] = useState(current.base_url ?? "");
  const [model, setModel] = useState(current.default_model ?? "");
  useEffect(() => {
    setBaseUrl(current.base_url ?? "");
    setModel(current.default_model ?? "");
  }, [current.base_url, current.default_model]);

  const saveVendor = (patch: Partial<VendorSettings>, message: string) => {
    save.mutate(withVendorSettings(config, vendor, { ...current, ...patch }), {
      onSuccess: () => toast.success(message),
    });
  };
  const dirty = baseUrl.trim() !== (current.base_url ?? "") || model.trim() !== (current.default_model ?? "");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    saveVendor(
      { base_url: baseUrl.trim() || null, default_model: model.trim() || null },
      `Saved ${label} settings.`,
    );
  };
  const listId = `models-${vendor}`;

  return (
    <section className="card provider-card" aria-labelledby={`provider-${vendor}`} data-provider={vendor}>
      <div className="row between">
        <h3 id={`provider-${vendor}`}>{label}</h3>
        <div className="row">
          {info && (
            <span className={`badge ${info.configured ? "ok" : info.enabled ? "warn" : ""}`}>
              {!info.enabled ? "Off" : info.configured ? "Ready" : "Needs a key"}
            </span>
          )}
          <label className="toggle">
            <input
              type="checkbox"
              checked={current.enabled}
              disabled={save.isPending}
              onChange={(e) =>
                saveVendor(
                  { enabled: e.target.checked },
                  `${label} ${e.target.checked ? "enabled" : "turned off"}.`,
                )
              }
            />
            <span>Enabled</span>
          </label>
        </div>
      </div>
      {spec.help && <p className="muted small">{spec.help}</p>}
      <p className="muted small">
        {keySourceText(info, spec.key_env.join(" or ") || "an environment variable")}
        {spec.key_url && (
          <>
            {" "}
            <a href={spec.key_url} target="_blank" rel="noreferrer">
              Get a key
            </a>
            {spec.key_hint ? ` (${spec.key_hint})` : ""}.
          </>
        )}
      </p>
      <KeyControl name={vendor} status={keyStatus} testable label={label} />
      <form onSubmit={submit} className="provider-form">
        <label className="field">
          <span>Base URL</span>
          <input
            value={baseUrl}
            onChange={(e) => setBaseUrl(e.target.value)}
            placeholder={info?.base_url ?? spec.default_base_url ?? ""}
            inputMode="url"
            spellCheck={false}
          />
        </label>
        <label className="field">
          <span>Default model</span>
          <input
            value={model}
            onChange={(e) => setModel(e.target.value)}
            placeholder={info?.default_model ?? spec.default_model ?? ""}
            list={listId}
            spellCheck={false}
          />
          <datalist id={listId}>
            {models.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        </label>
        {info && (
          <p className="muted small">
            In use: <code>{info.base_url}</code>
            {info.default_model ? (
              <>
                {" "}
                with <code>{info.default_model}</code>
              </>
            ) : null}
            . An empty base URL falls back to{" "}
            {spec.base_url_env ? <code>{spec.base_url_env}</code> : "the environment"}, then the vendor's own; an
            empty model to Forge's default.
          </p>
        )}
        <div className="row end">
          <button type="submit" className="primary" disabled={!dirty || save.isPending}>
            {save.isPending ? "Saving…" : "Save"}
          </button>
        </div>
        <ErrorNote error={save.error} />
      </form>
    </section>
  );
}
