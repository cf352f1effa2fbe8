// Flow-wide settings: name, description, status, parallelism, auto-approve and declared inputs.

import type { FlowInputDecl, FlowSettings, FlowStatus, ValidationIssue } from "../../api/flows";
import { Checkbox, Labeled, NumberInput, Select, TextInput } from "./fields";

export interface FlowMeta {
  name: string;
  description: string;
  status: FlowStatus;
}

interface Props {
  meta: FlowMeta;
  settings: FlowSettings;
  issues: ValidationIssue[];
  onMeta: (patch: Partial<FlowMeta>) => void;
  onSettings: (patch: Partial<FlowSettings>) => void;
}

export function SettingsPanel({ meta, settings, issues, onMeta, onSettings }: Props) {
  const inputs = settings.inputs ?? [];
  const setInput = (index: number, patch: Partial<FlowInputDecl>) =>
    onSettings({ inputs: inputs.map((inp, i) => (i === index ? { ...inp, ...patch } : inp)) });
  const issueFor = (prefix: string) =>
    issues
      .filter((i) => (i.field ?? "").startsWith(prefix))
      .map((i) => i.message)
      .join("; ") || undefined;
  return (
    <section className="settings-panel" aria-label="Flow settings">
      <h2>Flow settings</h2>
      {issues.length > 0 && (
        <ul className="panel-issues" role="alert">
          {issues.map((i, k) => (
            <li key={k}>{i.field ? `${i.field}: ${i.message}` : i.message}</li>
          ))}
        </ul>
      )}
      <TextInput label="Name" value={meta.name} onChange={(v) => onMeta({ name: v })} error={meta.name.trim() ? undefined : "a flow needs a name"} />
      <Labeled label="Description">
        <textarea rows={2} value={meta.description} onChange={(e) => onMeta({ description: e.target.value })} />
      </Labeled>
      <div className="form-row">
        <Select
          label="Status"
          value={meta.status}
          options={[
            { value: "draft", label: "Draft" },
            { value: "active", label: "Active" },
            { value: "archived", label: "Archived (hidden, cannot run)" },
          ]}
          onChange={(v) => onMeta({ status: v })}
        />
        <NumberInput
          label="Max parallel steps"
          value={settings.max_parallel ?? null}
          min={1}
          max={64}
          placeholder="default"
          onChange={(v) => onSettings({ max_parallel: v })}
          error={issueFor("settings.max_parallel") ?? issueFor("max_parallel")}
        />
      </div>
      <Checkbox
        label="Auto-approve LLM steps (skip the cost confirmation; approval steps still wait)"
        checked={Boolean(settings.auto_approve)}
        onChange={(v) => onSettings({ auto_approve: v })}
      />
      <fieldset className="form-group">
        <legend>Inputs asked for at run time</legend>
        {inputs.length === 0 && <p className="muted small">None. Declared inputs are used as {"{{ inputs.name }}"}.</p>}
        {inputs.map((inp, i) => (
          <div className="input-decl" key={i}>
            <div className="form-row">
              <TextInput label="Name" value={inp.name} onChange={(v) => setInput(i, { name: v })} error={issueFor(`settings.inputs.${i}`)} />
              <TextInput label="Default" value={inp.default ?? ""} onChange={(v) => setInput(i, { default: v || null })} />
            </div>
            <TextInput label="Description" value={inp.description ?? ""} onChange={(v) => setInput(i, { description: v })} />
            <div className="row between">
              <Checkbox label="Required" checked={Boolean(inp.required)} onChange={(v) => setInput(i, { required: v })} />
              <button onClick={() => onSettings({ inputs: inputs.filter((_, k) => k !== i) })} aria-label={`Remove input ${inp.name || i + 1}`}>
                Remove
              </button>
            </div>
          </div>
        ))}
        <button onClick={() => onSettings({ inputs: [...inputs, { name: `input_${inputs.length + 1}`, description: "", default: null, required: false }] })}>
          Add input
        </button>
      </fieldset>
    </section>
  );
}
