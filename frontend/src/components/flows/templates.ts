// Autocomplete for `{{ nodes.… }}` and `{{ inputs.… }}` in template fields.

import type { NodeType } from "../../api/flows";

export interface UpstreamRef {
  id: string;
  type: NodeType;
  /** llm nodes with output "json" expose `json.<path>`. */
  json: boolean;
}

export interface TemplateContext {
  upstream: UpstreamRef[];
  inputs: string[];
}

export interface Suggestion {
  label: string;
  detail: string;
  /** Replaces text[from, to). */
  insert: string;
  /** Whether accepting it finishes the expression (so the list should close). */
  complete: boolean;
}

export interface SuggestionSet {
  from: number;
  to: number;
  items: Suggestion[];
}

function fieldsOf(ref: UpstreamRef): { name: string; detail: string; complete: boolean }[] {
  const fields = [{ name: "output", detail: ref.type === "llm" ? "response text" : "stdout", complete: true }];
  if (ref.type === "shell") fields.push({ name: "exit_code", detail: "exit code", complete: true });
  if (ref.json) fields.push({ name: "json.", detail: "a field of the JSON reply", complete: false });
  return fields;
}

/**
 * Suggestions for the caret position, or null when the caret is not inside an open `{{ … `.
 * The expression typed so far is matched by prefix; accepting inserts the full path and the
 * closing ` }}` when the path is complete.
 */
export function suggest(text: string, caret: number, ctx: TemplateContext): SuggestionSet | null {
  const before = text.slice(0, caret);
  const open = before.lastIndexOf("{{");
  if (open < 0 || before.indexOf("}}", open) >= 0) return null;
  const exprStart = open + 2 + (before.slice(open + 2).match(/^\s*/)?.[0].length ?? 0);
  const typed = before.slice(exprStart);
  if (/\s/.test(typed)) return null;
  const closed = /^\s*\}\}/.test(text.slice(caret));
  const close = (s: string) => (closed ? s : `${s} }}`);
  const pick = (cands: Suggestion[]) => cands.filter((c) => c.insert.startsWith(typed) && c.insert !== typed);
  const range = { from: exprStart, to: caret };

  if (!typed.includes(".")) {
    const roots: Suggestion[] = [];
    if (ctx.upstream.length) roots.push({ label: "nodes.", detail: "an upstream node's result", insert: "nodes.", complete: false });
    if (ctx.inputs.length) roots.push({ label: "inputs.", detail: "a run input", insert: "inputs.", complete: false });
    const items = pick(roots);
    return items.length ? { ...range, items } : null;
  }
  if (typed.startsWith("inputs.")) {
    const items = pick(
      ctx.inputs.map((name) => ({ label: name, detail: "run input", insert: close(`inputs.${name}`), complete: true })),
    );
    return items.length ? { ...range, items } : null;
  }
  if (typed.startsWith("nodes.")) {
    const rest = typed.slice("nodes.".length);
    const dot = rest.indexOf(".");
    if (dot < 0) {
      const items = pick(
        ctx.upstream.map((ref) => ({ label: ref.id, detail: `${ref.type} node`, insert: `nodes.${ref.id}.`, complete: false })),
      );
      return items.length ? { ...range, items } : null;
    }
    const ref = ctx.upstream.find((r) => r.id === rest.slice(0, dot));
    if (!ref) return null;
    const base = `nodes.${ref.id}.`;
    const items = fieldsOf(ref)
      .map((f) => ({
        label: f.name,
        detail: f.detail,
        insert: f.complete ? close(base + f.name) : base + f.name,
        complete: f.complete,
      }))
      .filter((s) => (base + s.label).startsWith(typed) && base + s.label !== typed);
    return items.length ? { ...range, items } : null;
  }
  return null;
}

export function applySuggestion(text: string, set: SuggestionSet, item: Suggestion): { text: string; caret: number } {
  const next = text.slice(0, set.from) + item.insert + text.slice(set.to);
  return { text: next, caret: set.from + item.insert.length };
}
