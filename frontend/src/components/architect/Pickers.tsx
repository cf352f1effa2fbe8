// Provider, model, shell and OS pickers for a generation; choices persist in this browser.

import { useEffect, useState } from "react";
import {
  usableProviders,
  type DefaultModel,
  type ModelCatalog,
  type ModelInfo,
  type Shell,
} from "../../api/architect";
import { shellOptions } from "../../api/shells";

export interface Choice {
  provider: string;
  model: string;
  shell: Shell;
  os: string;
}

const STORAGE_KEY = "forge.architect.choice";
const DEFAULT_CHOICE: Choice = { provider: "", model: "", shell: "bash", os: "" };
const OS_OPTIONS = ["Linux", "macOS", "Windows"];

export function useStoredChoice(): [Choice, (c: Choice) => void] {
  const [choice, setChoice] = useState<Choice>(() => {
    try {
      const raw = window.localStorage.getItem(STORAGE_KEY);
      return raw ? { ...DEFAULT_CHOICE, ...(JSON.parse(raw) as Partial<Choice>) } : DEFAULT_CHOICE;
    } catch {
      return DEFAULT_CHOICE;
    }
  });
  useEffect(() => {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(choice));
  }, [choice]);
  return [choice, setChoice];
}

function price(m: ModelInfo): string {
  if (m.cost_status === "free") return " · free";
  if (!m.price) return " · price unknown";
  return ` · $${m.price.input_per_mtok}/$${m.price.output_per_mtok} per 1M`;
}

function defaultLabel(d: DefaultModel | undefined, providerDefault: string | null | undefined): string {
  const model = d?.model ?? providerDefault;
  if (!model) return "Default";
  return d?.source === "role" ? `Default (${model} · architect role)` : `Default (${model})`;
}

interface Props {
  catalog: ModelCatalog | undefined;
  /** What "Default" resolves to for the chosen provider (the role's model or the provider's). */
  defaultModel?: DefaultModel;
  choice: Choice;
  onChange: (c: Choice) => void;
  disabled?: boolean;
}

export function Pickers({ catalog, defaultModel, choice, onChange, disabled }: Props) {
  const providers = catalog?.providers ?? [];
  const usable = usableProviders(catalog);
  const selected = providers.find((p) => p.name === choice.provider);
  const providerModels = (catalog?.models ?? []).filter((m) => m.provider === choice.provider);
  // A stored choice that is no longer usable falls back to the defaults instead of failing.
  useEffect(() => {
    if (catalog && choice.provider && !usable.some((p) => p.name === choice.provider)) {
      onChange({ ...choice, provider: "", model: "" });
    }
  }, [catalog, choice, usable, onChange]);

  const roleDefault = defaultModel?.source === "role" && !choice.model ? defaultModel.model : null;
  return (
    <>
      <div className="architect-pickers">
        <label className="field">
          <span>Provider</span>
          <select
            value={choice.provider}
            disabled={disabled}
            onChange={(e) => onChange({ ...choice, provider: e.target.value, model: "" })}
          >
            <option value="">Default</option>
            {providers.map((p) => (
              <option key={p.name} value={p.name} disabled={!p.configured || !p.enabled}>
                {p.label}
                {!p.enabled ? " (turned off)" : p.configured ? "" : " (not configured)"}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Model</span>
          <select
            value={choice.model}
            title={choice.model || defaultLabel(defaultModel, selected?.default_model)}
            disabled={disabled || !choice.provider}
            onChange={(e) => onChange({ ...choice, model: e.target.value })}
          >
            <option value="">{defaultLabel(defaultModel, selected?.default_model)}</option>
            {providerModels.map((m) => (
              <option key={m.model} value={m.model}>
                {m.model}
                {price(m)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Shell</span>
          <select
            value={choice.shell}
            disabled={disabled}
            onChange={(e) => onChange({ ...choice, shell: e.target.value as Shell })}
          >
            {shellOptions("architect").map((s) => (
              <option key={s.value} value={s.value} disabled={s.disabled}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>OS</span>
          <select value={choice.os} disabled={disabled} onChange={(e) => onChange({ ...choice, os: e.target.value })}>
            <option value="">This machine</option>
            {OS_OPTIONS.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
      </div>
      {roleDefault && (
        <p className="muted small" data-testid="role-default-note">
          “Default” is the architect role’s model, <code>{roleDefault}</code> (Settings → Agent roles).
        </p>
      )}
    </>
  );
}
