// A step's settings form, drawn from its node type's field list (GET /api/flows/node-types).

import { useState, type ReactNode } from "react";
import type { ValidationIssue } from "../../api/flows";
import type { FormField, NodeTypeInfo } from "../../api/nodeTypes";
import { EnvField } from "./EnvField";
import { Checkbox, fieldError, NumberInput, Select, TextInput } from "./fields";
import type { NodeData } from "./graph";
import { ModelField, ProviderField } from "./LlmTargetFields";
import { current, filled, labelOf, layout, str } from "./nodeForm";
import { TemplateField } from "./TemplateField";
import type { TemplateContext } from "./templates";

interface Props {
  info: NodeTypeInfo;
  data: NodeData;
  set: (patch: NodeData) => void;
  issues: ValidationIssue[];
  ctx: TemplateContext;
}

function Control({ info, data, set, issues, ctx, field }: Props & { field: FormField }) {
  const { name, help, placeholder } = field;
  const label = labelOf(info, data, field);
  const error = fieldError(issues, name);
  const hint = help || undefined;
  const value = data[name];
  const put = (v: unknown) => set({ [name]: v });
  const common = { label, error, hint, placeholder: placeholder ?? undefined };
  switch (field.kind) {
    case "template":
      return <TemplateField {...common} value={str(value)} onChange={put} ctx={ctx} multiline={field.multiline} mono={field.mono} />;
    case "number":
      return (
        <NumberInput
          {...common}
          value={value}
          min={field.minimum ?? undefined}
          max={field.maximum ?? undefined}
          step={field.step ?? undefined}
          onChange={(v) => put(v ?? info.defaults[name] ?? null)}
        />
      );
    case "checkbox":
      return <Checkbox label={label} checked={Boolean(value)} onChange={put} />;
    case "select":
      return <Select label={label} value={current(info, data, name)} options={field.options} onChange={put} error={error} />;
    case "upstream": {
      const sources = ctx.upstream.map((u) => ({ value: u.id, label: `${u.id} (${u.type})` }));
      const none = { value: "", label: sources.length ? "choose an upstream step" : "connect an upstream step first" };
      return <Select label={label} value={str(value)} options={[none, ...sources]} onChange={put} error={error} />;
    }
    case "env":
      return <EnvField label={label} value={value} onChange={put} error={error} />;
    case "provider":
      return <ProviderField {...common} value={value} onChange={put} />;
    case "model":
      return <ModelField {...common} value={value} onChange={put} />;
    case "text": {
      const list = field.suggestions.length ? `flow-${info.type}-${name}` : undefined;
      return (
        <>
          <TextInput {...common} value={value} list={list} onChange={put} />
          {list && (
            <datalist id={list}>
              {field.suggestions.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          )}
        </>
      );
    }
  }
}

/** Alternatives (say a command or a command card): a radio chooses which one is filled in. */
function OneOf(props: Props & { group: string; fields: FormField[] }) {
  const { info, data, set, fields, group } = props;
  const [chosen, setChosen] = useState(() => fields.find((f) => filled(data[f.name]))?.name ?? fields[0]?.name);
  const active = fields.find((f) => f.name === chosen) ?? fields[0];
  return (
    <>
      <div className="row" role="radiogroup" aria-label={`${info.label} step ${group}`}>
        {fields.map((f) => (
          <label key={f.name} className="check">
            <input
              type="radio"
              checked={f.name === active?.name}
              onChange={() => {
                setChosen(f.name);
                set(Object.fromEntries(fields.filter((o) => o.name !== f.name).map((o) => [o.name, null])));
              }}
            />{" "}
            {f.choice_label ?? f.label}
          </label>
        ))}
      </div>
      {active && <Control {...props} field={active} />}
    </>
  );
}

export function NodeSettingsForm(props: Props) {
  const { info, data } = props;
  const draw = (f: FormField) => <Control key={f.name} {...props} field={f} />;
  const parts: ReactNode[] = layout(info, data).map(({ key, group, oneOf, fields }) => {
    if (oneOf) return <OneOf key={key} {...props} group={oneOf} fields={fields} />;
    if (group?.startsWith("row:")) {
      return (
        <div key={key} className="form-row">
          {fields.map(draw)}
        </div>
      );
    }
    if (group) {
      const boxes = fields.filter((f) => f.kind === "checkbox");
      return (
        <fieldset key={key} className="form-group">
          <legend>{group}</legend>
          <div className="form-row">{fields.filter((f) => f.kind !== "checkbox").map(draw)}</div>
          {boxes.map(draw)}
        </fieldset>
      );
    }
    return draw(fields[0] as FormField);
  });
  return (
    <>
      {parts}
      {info.note && <p className="muted small">{info.note}</p>}
    </>
  );
}
