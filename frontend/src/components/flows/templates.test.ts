// @vitest-environment node
// Pure logic: no DOM needed.
import { describe, expect, it } from "vitest";
import { applySuggestion, suggest, type TemplateContext } from "./templates";

const ctx: TemplateContext = {
  upstream: [
    { id: "build", type: "shell", json: false },
    { id: "plan", type: "llm", json: true },
  ],
  inputs: ["topic", "target"],
};

const at = (text: string) => suggest(text, text.length, ctx);
const labels = (text: string) => at(text)?.items.map((i) => i.label) ?? [];

describe("template suggestions", () => {
  it("offers nodes. and inputs. right after an opening brace pair", () => {
    expect(labels("echo {{ ")).toEqual(["nodes.", "inputs."]);
    expect(labels("echo {{in")).toEqual(["inputs."]);
  });

  it("lists only the upstream nodes it was given", () => {
    expect(labels("{{ nodes.")).toEqual(["build", "plan"]);
    expect(labels("{{ nodes.pl")).toEqual(["plan"]);
    expect(labels("{{ nodes.deploy")).toEqual([]);
  });

  it("offers fields by node type: exit_code for shell, json for json llm output", () => {
    expect(labels("{{ nodes.build.")).toEqual(["output", "exit_code"]);
    expect(labels("{{ nodes.plan.")).toEqual(["output", "json."]);
    expect(labels("{{ nodes.build.ex")).toEqual(["exit_code"]);
  });

  it("completes input names and closes the expression", () => {
    const text = "deploy {{ inputs.ta";
    const set = at(text)!;
    expect(set.items.map((i) => i.label)).toEqual(["target"]);
    const applied = applySuggestion(text, set, set.items[0]!);
    expect(applied.text).toBe("deploy {{ inputs.target }}");
    expect(applied.caret).toBe(applied.text.length);
  });

  it("does not duplicate closing braces that are already there", () => {
    const text = "{{ nodes.build.out }} rest";
    const caret = text.indexOf(" }}");
    const set = suggest(text, caret, ctx)!;
    const applied = applySuggestion(text, set, set.items[0]!);
    expect(applied.text).toBe("{{ nodes.build.output }} rest");
  });

  it("stays quiet outside an open expression", () => {
    expect(at("plain text")).toBeNull();
    expect(at("{{ inputs.topic }} and more")).toBeNull();
    expect(suggest("{{ nodes.", 9, { upstream: [], inputs: [] })).toBeNull();
  });
});
