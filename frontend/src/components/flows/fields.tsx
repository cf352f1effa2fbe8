// Small form controls for node settings, each showing the validation message for its field.

import type { ReactNode } from "react";
import type { ValidationIssue } from "../../api/flows";

/** Field name of an issue without a `data.` prefix, so `data.command` and `command` both match. */
export function issueField(issue: ValidationIssue): string {
  return (issue.field ?? "").replace(/^data\./, "").replace(/^nodes\.\d+\.data\./, "");
}

export function fieldError(issues: ValidationIssue[], field: string): string | undefined {
  // Nested fields (env.NAME) belong to their parent control.
  const hits = issues.filter((i) => issueField(i) === field || issueField(i).startsWith(`${field}.`));
  return hits.length ? hits.map((i) => i.message).join("; ") : undefined;
}

export function Labeled({ label, error, hint, children }: { label: string; error?: string; hint?: string; children: ReactNode }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      {children}
      {error ? <span className="field-error">{error}</span> : hint ? <span className="muted small">{hint}</span> : null}
    </label>
  );
}

export function TextInput(props: { label: string; value: unknown; onChange: (v: string) => void; error?: string; hint?: string; list?: string; placeholder?: string }) {
  return (
    <Labeled label={props.label} error={props.error} hint={props.hint}>
      <input
        value={props.value === undefined || props.value === null ? "" : String(props.value)}
        list={props.list}
        placeholder={props.placeholder}
        aria-invalid={props.error ? true : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </Labeled>
  );
}

export function NumberInput(props: {
  label: string;
  value: unknown;
  onChange: (v: number | null) => void;
  min?: number;
  max?: number;
  step?: number;
  error?: string;
  hint?: string;
  placeholder?: string;
}) {
  return (
    <Labeled label={props.label} error={props.error} hint={props.hint}>
      <input
        type="number"
        inputMode="decimal"
        min={props.min}
        max={props.max}
        step={props.step ?? 1}
        placeholder={props.placeholder}
        aria-invalid={props.error ? true : undefined}
        value={typeof props.value === "number" ? props.value : ""}
        onChange={(e) => props.onChange(e.target.value === "" ? null : Number(e.target.value))}
      />
    </Labeled>
  );
}

export function Checkbox({ label, checked, onChange }: { label: string; checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <label className="check">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <span>{label}</span>
    </label>
  );
}

export function Select<T extends string>(props: {
  label: string;
  value: T;
  options: { value: T; label: string }[];
  onChange: (v: T) => void;
  error?: string;
}) {
  return (
    <Labeled label={props.label} error={props.error}>
      <select value={props.value} onChange={(e) => props.onChange(e.target.value as T)}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Labeled>
  );
}
