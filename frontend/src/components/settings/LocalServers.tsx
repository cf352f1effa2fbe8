// OpenAI-compatible servers (Ollama, llama.cpp, vLLM, LM Studio): add, discover models, remove.

import { useState, type FormEvent } from "react";
import {
  SERVER_NAME_PATTERN,
  type CompatibleServer,
  type KeyStatus,
  type ProviderInfo,
  type ProvidersConfig,
} from "../../api/settings";
import { useDiscoverModels, useSaveProviders, useSetKey } from "../../hooks/useSettings";
import { ConfirmDialog } from "../ConfirmDialog";
import { Elapsed } from "../Elapsed";
import { ErrorNote } from "../ErrorNote";
import { useToast } from "../Toasts";
import { KeyControl } from "./KeyControl";

interface Props {
  config: ProvidersConfig;
  infos: ProviderInfo[];
  keys: KeyStatus[];
}

function ServerItem({ server, config, info, keyStatus }: {
  server: CompatibleServer;
  config: ProvidersConfig;
  info: ProviderInfo | undefined;
  keyStatus: KeyStatus | undefined;
}) {
  const toast = useToast();
  const save = useSaveProviders();
  const discover = useDiscoverModels();
  const [started, setStarted] = useState(0);
  const [removing, setRemoving] = useState(false);
  const keyName = server.api_key_name ?? server.name;

  const replace = (next: CompatibleServer | null, message: string) => {
    const compatible = config.compatible.flatMap((s) => (s.name !== server.name ? [s] : next ? [next] : []));
    const default_provider = next === null && config.default_provider === server.name ? null : config.default_provider;
    save.mutate({ ...config, compatible, default_provider }, { onSuccess: () => toast.success(message) });
  };

  const refresh = () => {
    setStarted(Date.now());
    discover.mutate(
      { base_url: server.base_url, api_key_name: server.api_key_name ?? undefined },
      {
        onSuccess: (found) =>
          replace(
            {
              ...server,
              models: found.models,
              default_model:
                server.default_model && found.models.includes(server.default_model)
                  ? server.default_model
                  : (found.models[0] ?? null),
            },
            `${server.name}: ${found.models.length} model${found.models.length === 1 ? "" : "s"} found.`,
          ),
      },
    );
  };

  return (
    <li className="card server-item" data-server={server.name}>
      <div className="row between">
        <h3>{server.name}</h3>
        <div className="row">
          {info && (
            <span className={`badge ${info.configured ? "ok" : server.enabled ? "warn" : ""}`}>
              {!server.enabled ? "Off" : info.configured ? "Ready" : "Needs its key"}
            </span>
          )}
          <label className="toggle">
            <input
              type="checkbox"
              checked={server.enabled}
              disabled={save.isPending}
              onChange={(e) =>
                replace({ ...server, enabled: e.target.checked }, `${server.name} ${e.target.checked ? "enabled" : "turned off"}.`)
              }
            />
            <span>Enabled</span>
          </label>
        </div>
      </div>
      <p className="muted small mono break">{server.base_url}</p>
      <div className="row">
        <label className="field grow">
          <span>Default model ({server.models.length} discovered)</span>
          <select
            value={server.default_model ?? ""}
            disabled={save.isPending || server.models.length === 0}
            onChange={(e) => replace({ ...server, default_model: e.target.value || null }, `Default model of ${server.name} saved.`)}
          >
            {server.models.length === 0 && <option value="">No models yet: discover them</option>}
            {server.models.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
      </div>
      {server.api_key_name ? (
        <KeyControl name={keyName} status={keyStatus} testable label={server.name} />
      ) : (
        <p className="muted small">No key: requests are sent without one.</p>
      )}
      <div className="row end">
        {discover.isPending && <Elapsed since={started} label="Asking the server" />}
        <button onClick={refresh} disabled={discover.isPending || save.isPending}>
          Discover models
        </button>
        <button className="danger" onClick={() => setRemoving(true)}>
          Remove
        </button>
      </div>
      <ErrorNote error={discover.error} />
      <ConfirmDialog
        open={removing}
        title={`Remove the server ${server.name}?`}
        confirmLabel="Remove server"
        danger
        onCancel={() => setRemoving(false)}
        onConfirm={() => {
          setRemoving(false);
          replace(null, `Removed ${server.name}.`);
        }}
      >
        <p>
          Forge stops offering its models. {server.api_key_name ? <>Its stored key <code>{keyName}</code> is kept; delete it below if you no longer need it.</> : null}
        </p>
      </ConfirmDialog>
    </li>
  );
}

function AddServer({ config, infos }: { config: ProvidersConfig; infos: ProviderInfo[] }) {
  const toast = useToast();
  const save = useSaveProviders();
  const discover = useDiscoverModels();
  const setKey = useSetKey();
  const [name, setName] = useState("");
  const [baseUrl, setBaseUrl] = useState("http://127.0.0.1:11434/v1");
  const [key, setKeyValue] = useState("");
  const [found, setFound] = useState<string[] | null>(null);
  const [started, setStarted] = useState(0);
  // Built-in vendors and existing servers, as the server reports them.
  const taken = infos.some((i) => i.name === name) || config.compatible.some((s) => s.name === name);
  const nameOk = SERVER_NAME_PATTERN.test(name) && !taken;
  const busy = save.isPending || setKey.isPending;

  const runDiscover = () => {
    setStarted(Date.now());
    discover.mutate(
      { base_url: baseUrl.trim(), api_key: key.trim() || undefined },
      { onSuccess: (res) => setFound(res.models) },
    );
  };

  const add = async (e: FormEvent) => {
    e.preventDefault();
    try {
      // The key is stored first, so the server never exists pointing at a missing key.
      if (key.trim()) await setKey.mutateAsync({ name, value: key });
      const server: CompatibleServer = {
        name,
        base_url: baseUrl.trim(),
        api_key_name: key.trim() ? name : null,
        enabled: true,
        local: true,
        default_model: found?.[0] ?? null,
        models: found ?? [],
      };
      await save.mutateAsync({ ...config, compatible: [...config.compatible, server] });
      toast.success(`Added ${name}${found ? ` with ${found.length} models` : ""}.`);
      setName("");
      setKeyValue("");
      setFound(null);
      discover.reset();
    } catch {
      // The failed mutation already shows the server's message (toast and note below).
    }
  };

  return (
    <form className="card add-server" onSubmit={add} aria-label="Add an OpenAI-compatible server">
      <h3>Add a server</h3>
      <div className="form-grid">
        <label className="field">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value.toLowerCase())} placeholder="ollama" maxLength={40} />
        </label>
        <label className="field">
          <span>Base URL (up to /v1)</span>
          <input
            value={baseUrl}
            onChange={(e) => {
              setBaseUrl(e.target.value);
              setFound(null);
            }}
            inputMode="url"
            spellCheck={false}
          />
        </label>
        <label className="field">
          <span>API key (optional)</span>
          <input type="password" value={key} onChange={(e) => setKeyValue(e.target.value)} autoComplete="off" />
        </label>
      </div>
      {name && !nameOk && (
        <p className="muted small">
          {taken ? "That name is taken." : "Start with a letter; lowercase letters, digits, “_” and “-”, at most 40."}
        </p>
      )}
      {found && (
        <p className="small" aria-live="polite">
          {found.length} model{found.length === 1 ? "" : "s"} found
          {found.length ? `: ${found.slice(0, 6).join(", ")}${found.length > 6 ? ", …" : ""}` : ""}
        </p>
      )}
      <div className="row end">
        {discover.isPending && <Elapsed since={started} label="Asking the server" />}
        <button type="button" onClick={runDiscover} disabled={!baseUrl.trim() || discover.isPending}>
          Discover models
        </button>
        <button type="submit" className="primary" disabled={!nameOk || !baseUrl.trim() || busy}>
          {busy ? "Adding…" : "Add server"}
        </button>
      </div>
      <ErrorNote error={discover.error ?? save.error ?? setKey.error} />
    </form>
  );
}

export function LocalServers({ config, infos, keys }: Props) {
  return (
    <section aria-labelledby="servers-heading" className="settings-section">
      <h2 id="servers-heading">Local OpenAI-compatible servers</h2>
      <p className="muted small">
        Ollama, llama.cpp, vLLM, LM Studio and anything else that speaks the OpenAI API. Models without a price
        count as free.
      </p>
      {config.compatible.length === 0 && <p className="muted">No servers yet.</p>}
      <ul className="plain-list">
        {config.compatible.map((server) => (
          <ServerItem
            key={server.name}
            server={server}
            config={config}
            info={infos.find((i) => i.name === server.name)}
            keyStatus={keys.find((k) => k.name === (server.api_key_name ?? server.name))}
          />
        ))}
      </ul>
      <AddServer config={config} infos={infos} />
    </section>
  );
}
