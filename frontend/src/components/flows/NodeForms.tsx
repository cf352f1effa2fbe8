// Per-type settings forms for shell, llm, approval and condition steps.

import { useEffect, useState } from "react";
import type { ValidationIssue } from "../../api/flows";
import { Checkbox, fieldError, NumberInput, Select, TextInput } from "./fields";
import type { NodeData } from "./graph";
import { TemplateField } from "./TemplateField";
import type { TemplateContext } from "./templates";

export interface FormProps {
  data: NodeData;
  set: (patch: NodeData) => void;
  issues: ValidationIssue[];
  ctx: TemplateContext;
}

const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

function envToText(env: unknown): string {
  if (!env || typeof env !== "object") return "";
  return Object.entries(env as Record<string, string>)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n");
}

function textToEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) env[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return env;
}

function EnvField({ value, onChange, error }: { value: unknown; onChange: (env: Record<string, string>) => void; error?: string }) {
  // Edited as text and parsed on each change; local text keeps a half-typed line intact.
  const [text, setText] = useState(() => envToText(value));
  useEffect(() => {
    if (JSON.stringify(textToEnv(text)) !== JSON.stringify(value ?? {})) setText(envToText(value));
    // Only resync when the stored value changes from outside (undo, restore, another node).
  }, [value]);
  return (
    <label className="field">
      <span className="field-label">Environment (one NAME=value per line)</span>
      <textarea
        className="mono"
        rows={2}
        value={text}
        spellCheck={false}
        onChange={(e) => {
          setText(e.target.value);
          onChange(textToEnv(e.target.value));
        }}
      />
      {error && <span className="field-error">{error}</span>}
    </label>
  );
}

function RetryFields({ data, set, issues }: FormProps) {
  return (
    <fieldset className="form-group">
      <legend>Timeout and retries</legend>
      <div className="form-row">
        <NumberInput label="Timeout (s)" value={data.timeout_s} min={1} placeholder="default" onChange={(v) => set({ timeout_s: v })} error={fieldError(issues, "timeout_s")} />
        <NumberInput label="Retries" value={data.retries} min={0} max={10} onChange={(v) => set({ retries: v ?? 0 })} error={fieldError(issues, "retries")} />
        <NumberInput label="Backoff (s)" value={data.retry_delay_s} min={0} step={0.5} placeholder="1" onChange={(v) => set({ retry_delay_s: v })} error={fieldError(issues, "retry_delay_s")} />
      </div>
      <Checkbox label="Continue the flow if this step fails" checked={Boolean(data.continue_on_error)} onChange={(v) => set({ continue_on_error: v })} />
    </fieldset>
  );
}

export function ShellForm(props: FormProps) {
  const { data, set, issues, ctx } = props;
  const [useCard, setUseCard] = useState(() => data.card_id !== undefined && data.card_id !== null);
  return (
    <>
      <div className="row" role="radiogroup" aria-label="Shell step source">
        <label className="check">
          <input
            type="radio"
            checked={!useCard}
            onChange={() => {
              setUseCard(false);
              set({ card_id: null });
            }}
          />{" "}
          Command
        </label>
        <label className="check">
          <input
            type="radio"
            checked={useCard}
            onChange={() => {
              setUseCard(true);
              set({ command: "" });
            }}
          />{" "}
          Command card
        </label>
      </div>
      {useCard ? (
        <NumberInput label="Card id" value={data.card_id} min={1} onChange={(v) => set({ card_id: v })} error={fieldError(issues, "card_id")} hint="The id shown on the Commands screen." />
      ) : (
        <TemplateField
          label="Command"
          multiline
          mono
          value={str(data.command)}
          onChange={(v) => set({ command: v })}
          ctx={ctx}
          placeholder="make test"
          error={fieldError(issues, "command")}
          hint="Type {{ for upstream results and inputs. Values reach the shell through its environment, never as code; a value inside bash -c, eval, ssh… makes the step fail."
        />
      )}
      <TemplateField label="Working directory" value={str(data.cwd)} onChange={(v) => set({ cwd: v })} ctx={ctx} mono placeholder="current directory" error={fieldError(issues, "cwd")} />
      <EnvField value={data.env} onChange={(env) => set({ env })} error={fieldError(issues, "env")} />
      <RetryFields {...props} />
    </>
  );
}

const ROLES = ["architect", "planner", "implementer", "tester", "reviewer", "optimizer"];

export function LlmForm(props: FormProps) {
  const { data, set, issues, ctx } = props;
  return (
    <>
      <TemplateField label="Prompt" multiline value={str(data.prompt)} onChange={(v) => set({ prompt: v })} ctx={ctx} error={fieldError(issues, "prompt")} hint="Type {{ to insert an upstream result or an input." />
      <TemplateField label="System prompt (optional)" multiline value={str(data.system)} onChange={(v) => set({ system: v })} ctx={ctx} error={fieldError(issues, "system")} />
      <div className="form-row">
        <TextInput label="Agent role" value={data.agent_role} list="flow-roles" placeholder="none" onChange={(v) => set({ agent_role: v })} error={fieldError(issues, "agent_role")} />
        <datalist id="flow-roles">
          {ROLES.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
        <TextInput label="Provider" value={data.provider} list="flow-providers" placeholder="default" onChange={(v) => set({ provider: v })} error={fieldError(issues, "provider")} />
        <datalist id="flow-providers">
          <option value="openai" />
          <option value="anthropic" />
        </datalist>
      </div>
      <div className="form-row">
        <TextInput label="Model" value={data.model} placeholder="default" onChange={(v) => set({ model: v })} error={fieldError(issues, "model")} />
        <Select label="Output" value={str(data.output) === "json" ? "json" : "text"} options={[{ value: "text", label: "Text" }, { value: "json", label: "JSON" }]} onChange={(v) => set({ output: v })} error={fieldError(issues, "output")} />
      </div>
      <div className="form-row">
        <NumberInput label="Max tokens" value={data.max_tokens} min={1} onChange={(v) => set({ max_tokens: v })} error={fieldError(issues, "max_tokens")} />
        <NumberInput label="Temperature" value={data.temperature} min={0} max={2} step={0.1} placeholder="default" onChange={(v) => set({ temperature: v })} error={fieldError(issues, "temperature")} />
      </div>
      <RetryFields {...props} />
    </>
  );
}

export function ApprovalForm({ data, set, issues, ctx }: FormProps) {
  return (
    <TemplateField
      label="Message for the approver"
      multiline
      value={str(data.message)}
      onChange={(v) => set({ message: v })}
      ctx={ctx}
      error={fieldError(issues, "message")}
      hint="The run pauses here until someone approves or rejects."
    />
  );
}

const KINDS = [
  { value: "exit_code", label: "Exit code" },
  { value: "contains", label: "Output contains" },
  { value: "matches", label: "Output matches (regex)" },
  { value: "json", label: "JSON field" },
] as const;
const OPS = [
  { value: "eq", label: "==" },
  { value: "ne", label: "!=" },
  { value: "lt", label: "<" },
  { value: "le", label: "<=" },
  { value: "gt", label: ">" },
  { value: "ge", label: ">=" },
] as const;

export function ConditionForm({ data, set, issues, ctx }: FormProps) {
  const kind = (str(data.kind) || "exit_code") as (typeof KINDS)[number]["value"];
  const sources = ctx.upstream.map((u) => ({ value: u.id, label: `${u.id} (${u.type})` }));
  return (
    <>
      <Select
        label="Test the result of"
        value={str(data.source)}
        options={[{ value: "", label: sources.length ? "choose an upstream step" : "connect an upstream step first" }, ...sources]}
        onChange={(v) => set({ source: v })}
        error={fieldError(issues, "source")}
      />
      <Select label="Check" value={kind} options={[...KINDS]} onChange={(v) => set({ kind: v })} error={fieldError(issues, "kind")} />
      {kind === "json" && (
        <TextInput label="JSON path" value={data.path} placeholder="verdict.score" onChange={(v) => set({ path: v })} error={fieldError(issues, "path")} />
      )}
      <div className="form-row">
        {(kind === "exit_code" || kind === "json") && (
          <Select label="Operator" value={(str(data.operator) || "eq") as (typeof OPS)[number]["value"]} options={[...OPS]} onChange={(v) => set({ operator: v })} error={fieldError(issues, "operator")} />
        )}
        <TextInput
          label={kind === "contains" ? "Text" : kind === "matches" ? "Pattern" : "Value"}
          value={data.value}
          onChange={(v) => set({ value: v })}
          error={fieldError(issues, "value")}
        />
      </div>
      <Checkbox label="Negate (swap true and false)" checked={Boolean(data.negate)} onChange={(v) => set({ negate: v })} />
      <p className="muted small">Connect steps to the “true” and “false” handles; only the chosen branch runs.</p>
    </>
  );
}
