import { describe, expect, it } from "vitest";
import type { FormField, NodeTypeInfo } from "../../api/nodeTypes";
import { current, labelOf, layout } from "./nodeForm";

const field = (name: string, extra: Partial<FormField> = {}): FormField => ({
  name,
  kind: "text",
  label: name,
  help: "",
  required: false,
  options: [],
  suggestions: [],
  mono: false,
  multiline: false,
  placeholder: null,
  minimum: null,
  maximum: null,
  step: null,
  group: null,
  one_of: null,
  choice_label: null,
  shown_when: null,
  labels_when: null,
  label_field: null,
  ...extra,
});

const condition: NodeTypeInfo = {
  type: "condition",
  label: "Condition",
  description: "",
  icon: "◇",
  branches: true,
  note: "",
  defaults: { kind: "exit_code" },
  fields: [
    field("kind", { kind: "select", options: [{ value: "exit_code", label: "Exit code" }, { value: "json", label: "JSON" }] }),
    field("path", { shown_when: { kind: ["json"] } }),
    field("operator", { group: "row:test", shown_when: { kind: ["exit_code", "json"] } }),
    field("value", { group: "row:test", label: "Value", label_field: "kind", labels_when: { json: "Expected" } }),
    field("command", { one_of: "source" }),
    field("card_id", { one_of: "source" }),
  ],
};

describe("node settings form layout", () => {
  it("reads a missing value from the defaults, and an unknown one as the first option", () => {
    expect(current(condition, {}, "kind")).toBe("exit_code");
    expect(current(condition, { kind: "bogus" }, "kind")).toBe("exit_code");
    expect(current(condition, { kind: "json" }, "kind")).toBe("json");
  });

  it("shows fields by another field's value and groups rows and alternatives", () => {
    const names = (data: Record<string, unknown>) => layout(condition, data).map((r) => r.fields.map((f) => f.name));
    expect(names({})).toEqual([["kind"], ["operator", "value"], ["command", "card_id"]]);
    expect(names({ kind: "json" })).toEqual([["kind"], ["path"], ["operator", "value"], ["command", "card_id"]]);
    expect(layout(condition, {})[2]?.oneOf).toBe("source");
  });

  it("labels a field by another field's value", () => {
    const value = condition.fields[3] as FormField;
    expect(labelOf(condition, {}, value)).toBe("Value");
    expect(labelOf(condition, { kind: "json" }, value)).toBe("Expected");
  });
});
