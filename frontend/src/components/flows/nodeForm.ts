// Pure layout rules for a node type's settings form: current values, visibility, grouping.

import type { FormField, NodeTypeInfo } from "../../api/nodeTypes";
import type { NodeData } from "./graph";

export const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));
export const filled = (v: unknown) => v !== undefined && v !== null && v !== "";

/** A field's current value: the node's own, else the type's default, else a select's first option. */
export function current(info: NodeTypeInfo, data: NodeData, name: string): string {
  const own = data[name] ?? info.defaults[name];
  const options = info.fields.find((f) => f.name === name)?.options ?? [];
  if (options.length && !options.some((o) => o.value === str(own))) return options[0]?.value ?? "";
  return str(own);
}

export function shown(info: NodeTypeInfo, data: NodeData, field: FormField): boolean {
  return Object.entries(field.shown_when ?? {}).every(([name, values]) => values.includes(current(info, data, name)));
}

/** The label, which may depend on another field (a condition's value is its Text or Pattern). */
export function labelOf(info: NodeTypeInfo, data: NodeData, field: FormField): string {
  return (field.label_field && field.labels_when?.[current(info, data, field.label_field)]) || field.label;
}

export interface FieldRun {
  key: string;
  group: string | null;
  oneOf: string | null;
  fields: FormField[];
}

/** The visible fields, consecutive ones that share a group (or a one_of) drawn together. */
export function layout(info: NodeTypeInfo, data: NodeData): FieldRun[] {
  const out: FieldRun[] = [];
  for (const f of info.fields.filter((field) => shown(info, data, field))) {
    const last = out[out.length - 1];
    const group = f.group ?? null;
    const oneOf = f.one_of ?? null;
    if (last && (group !== null || oneOf !== null) && last.group === group && last.oneOf === oneOf) last.fields.push(f);
    else out.push({ key: f.name, group, oneOf, fields: [f] });
  }
  return out;
}
