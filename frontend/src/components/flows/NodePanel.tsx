// Side panel for the selected step: id, label, type-specific settings, upstream links, delete.

import { useEffect, useState } from "react";
import type { NodeType, ValidationIssue } from "../../api/flows";
import { useNodeTypes } from "../../hooks/useNodeTypes";
import { fieldError, issueField, TextInput } from "./fields";
import { ancestors, descendants, isValidNodeId, type FlowEdge, type FlowNode, type NodeData } from "./graph";
import { NodeSettingsForm } from "./NodeSettingsForm";
import type { TemplateContext } from "./templates";

interface Props {
  node: FlowNode;
  nodes: FlowNode[];
  edges: FlowEdge[];
  issues: ValidationIssue[];
  inputs: string[];
  onData: (patch: NodeData) => void;
  onRename: (to: string) => void;
  onLink: (source: string, branch: "true" | "false" | null, linked: boolean) => void;
  onDelete: () => void;
}

function IdField({ id, taken, onRename }: { id: string; taken: Set<string>; onRename: (to: string) => void }) {
  const [draft, setDraft] = useState(id);
  useEffect(() => setDraft(id), [id]);
  const error =
    draft === id
      ? undefined
      : !isValidNodeId(draft)
        ? "letters, digits, _ and -, starting with a letter or _"
        : taken.has(draft)
          ? "another step has this id"
          : undefined;
  const commit = () => {
    if (draft !== id && !error) onRename(draft);
    else setDraft(id);
  };
  return (
    <label className="field">
      <span className="field-label">Step id (used in templates)</span>
      <input
        className="mono"
        value={draft}
        aria-invalid={error ? true : undefined}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") commit();
        }}
      />
      {error && <span className="field-error">{error}</span>}
    </label>
  );
}

function RunsAfter({ node, nodes, edges, onLink, branching }: Pick<Props, "node" | "nodes" | "edges" | "onLink"> & { branching: Set<string> }) {
  // Offering a descendant would create a cycle, so those are left out.
  const below = descendants(node.id, edges);
  const candidates = nodes.filter((n) => n.id !== node.id && !below.has(n.id));
  if (!candidates.length) return <p className="muted small">Add another step to connect this one after it.</p>;
  return (
    <fieldset className="form-group runs-after">
      <legend>Runs after</legend>
      {candidates.map((c) => {
        const incoming = edges.filter((e) => e.source === c.id && e.target === node.id);
        if (branching.has(c.type)) {
          const value = incoming[0]?.data?.branch ?? "";
          return (
            <label key={c.id} className="field inline">
              <span className="mono">{c.id}</span>
              <select
                value={value}
                aria-label={`Run after ${c.id}`}
                onChange={(e) => {
                  for (const edge of incoming) onLink(c.id, edge.data?.branch ?? null, false);
                  if (e.target.value) onLink(c.id, e.target.value as "true" | "false", true);
                }}
              >
                <option value="">not connected</option>
                <option value="true">when true</option>
                <option value="false">when false</option>
              </select>
            </label>
          );
        }
        return (
          <label key={c.id} className="check">
            <input
              type="checkbox"
              checked={incoming.length > 0}
              aria-label={`Run after ${c.id}`}
              onChange={(e) => onLink(c.id, null, e.target.checked)}
            />
            <span className="mono">{c.id}</span>
          </label>
        );
      })}
    </fieldset>
  );
}

export function NodePanel(props: Props) {
  const { node, nodes, edges, issues, inputs, onData, onRename, onDelete } = props;
  const type = node.type as NodeType;
  const types = useNodeTypes().data ?? [];
  const info = types.find((t) => t.type === type);
  const branching = new Set(types.filter((t) => t.branches).map((t) => t.type));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const ctx: TemplateContext = {
    upstream: ancestors(node.id, edges).flatMap((id) => {
      const n = byId.get(id);
      // A step whose output setting is "json" exposes json.<path> to templates.
      return n ? [{ id, type: n.type as NodeType, json: n.data.output === "json" }] : [];
    }),
    inputs,
  };
  // Issues of fields the form draws show beside them; the rest are listed at the top.
  const known = new Set(["label", ...(info?.fields ?? []).map((f) => f.name)]);
  const general = issues.filter((i) => !known.has(issueField(i).split(".")[0] ?? ""));
  return (
    <section className="node-panel" aria-label={`Step ${node.id}`}>
      <div className="row between">
        <h2>
          <span className="badge">{type}</span> <span className="mono">{node.id}</span>
        </h2>
        <button className="danger" onClick={onDelete} aria-label={`Delete step ${node.id}`}>
          Delete
        </button>
      </div>
      {general.length > 0 && (
        <ul className="panel-issues" role="alert">
          {general.map((i, k) => (
            <li key={k}>{i.field ? `${i.field}: ${i.message}` : i.message}</li>
          ))}
        </ul>
      )}
      <div className="form-row">
        <IdField id={node.id} taken={new Set(nodes.map((n) => n.id))} onRename={onRename} />
        <TextInput label="Label (optional)" value={node.data.label} onChange={(v) => onData({ label: v })} error={fieldError(issues, "label")} />
      </div>
      {info ? (
        <NodeSettingsForm key={node.id} info={info} data={node.data} set={onData} issues={issues} ctx={ctx} />
      ) : (
        <p className="muted small">Loading the settings of {type} steps…</p>
      )}
      <RunsAfter {...props} branching={branching} />
    </section>
  );
}
