// Typed client for /api/flows: definitions, versions, validation and runs.

import { api } from "./client";

export type NodeType = "shell" | "llm" | "approval" | "condition";
export type FlowStatus = "draft" | "active" | "archived";
export type RunStatus =
  | "queued"
  | "running"
  | "awaiting_approval"
  | "succeeded"
  | "failed"
  | "cancelled"
  | "interrupted";
export type NodeRunStatus =
  | "pending"
  | "queued"
  | "running"
  | "awaiting_approval"
  | "succeeded"
  | "failed"
  | "skipped"
  | "cancelled"
  | "interrupted";

export interface FlowNodeDef {
  id: string;
  type: NodeType;
  position: { x: number; y: number };
  data: Record<string, unknown>;
}

export interface FlowEdgeDef {
  id: string;
  source: string;
  target: string;
  sourceHandle?: string | null;
  data?: { branch?: "true" | "false" };
}

export interface FlowInputDecl {
  name: string;
  description?: string;
  default?: string | null;
  required?: boolean;
}

export interface FlowSettings {
  max_parallel?: number | null;
  auto_approve?: boolean;
  inputs?: FlowInputDecl[];
}

export interface FlowDefinition {
  nodes: FlowNodeDef[];
  edges: FlowEdgeDef[];
  settings?: FlowSettings;
}

export interface RunTotals {
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  duration_ms: number | null;
}

export interface NodeRun {
  node_id: string;
  type?: string;
  label?: string;
  status: NodeRunStatus;
  attempts: number;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  exit_code: number | null;
  input: string | null;
  output: string | null;
  output_truncated?: boolean;
  stderr?: string | null;
  json: unknown;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
  estimated_cost_usd: number | null;
  error: string | null;
}

/** A run as listed in history (no per-node records). */
export interface RunSummary {
  id: number;
  flow_id: number | null;
  flow_name: string;
  flow_version: number;
  status: RunStatus;
  inputs: Record<string, string>;
  auto_approve: boolean;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  totals: RunTotals;
  node_counts: Record<string, number>;
}

/** A page of runs across flows (GET /flow-runs); pass next_before as `before` for older ones. */
export interface RunPage {
  runs: RunSummary[];
  next_before: number | null;
}

export interface RunFilter {
  statuses: RunStatus[];
  flowId: number | null;
}

export interface FlowRun extends RunSummary {
  nodes: NodeRun[];
}

/** The latest run shown on a flow in the list. */
export interface RunBrief {
  id: number;
  status: RunStatus;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface Flow {
  id: number;
  name: string;
  description: string;
  data: FlowDefinition;
  status: FlowStatus;
  version: number;
  created_at: string;
  updated_at: string;
  node_count: number;
  last_run?: RunBrief | null;
}

export interface FlowVersion {
  version: number;
  name: string;
  description: string;
  note: string | null;
  created_at: string;
  node_count: number;
  data: FlowDefinition;
}

/** One problem found by validation; node_id is null for flow-level problems. */
export interface ValidationIssue {
  node_id: string | null;
  field: string;
  message: string;
}

export interface ValidationReport {
  valid: boolean;
  issues: ValidationIssue[];
}

export interface FlowWrite {
  name: string;
  description: string;
  data: FlowDefinition;
  status?: FlowStatus;
}

export const listFlows = (includeArchived: boolean) =>
  api<Flow[]>("/flows", { query: { include_archived: includeArchived || undefined } });
export const getFlow = (id: number) => api<Flow>(`/flows/${id}`);
export const createFlow = (body: FlowWrite) => api<Flow>("/flows", { method: "POST", body });
export const updateFlow = (id: number, body: Partial<FlowWrite> & { version: number; note?: string }) =>
  api<Flow>(`/flows/${id}`, { method: "PUT", body });
export const deleteFlow = (id: number) => api<void>(`/flows/${id}`, { method: "DELETE" });
export const duplicateFlow = (id: number) => api<Flow>(`/flows/${id}/duplicate`, { method: "POST" });
export const importFlow = (body: unknown) => api<Flow>("/flows/import", { method: "POST", body });
export const exportFlowUrl = (id: number) => `/api/flows/${id}/export`;

export const validateFlow = (data: FlowDefinition, signal?: AbortSignal) =>
  api<ValidationReport>("/flows/validate", { method: "POST", body: { data }, signal });

export const listVersions = (id: number) => api<FlowVersion[]>(`/flows/${id}/versions`);
export const restoreVersion = (id: number, version: number) =>
  api<Flow>(`/flows/${id}/versions/${version}/restore`, { method: "POST" });

export const startRun = (id: number, body: { inputs: Record<string, string>; auto_approve?: boolean }) =>
  api<{ run: FlowRun }>(`/flows/${id}/runs`, { method: "POST", body });
export const listRuns = (id: number) => api<RunSummary[]>(`/flows/${id}/runs`);
export function listAllRuns(filter: RunFilter, before?: number | null, limit = 50): Promise<RunPage> {
  // Built here: `status` repeats, which the client's query object cannot say.
  const params = new URLSearchParams();
  for (const st of filter.statuses) params.append("status", st);
  if (filter.flowId !== null) params.set("flow_id", String(filter.flowId));
  if (before) params.set("before", String(before));
  params.set("limit", String(limit));
  return api<RunPage>(`/flow-runs?${params.toString()}`);
}
export const getRun = (runId: number) => api<FlowRun>(`/flows/runs/${runId}`);
export const cancelRun = (runId: number) => api<FlowRun>(`/flows/runs/${runId}/cancel`, { method: "POST" });
export const resumeRun = (runId: number, body: { rerun_interrupted: boolean }) =>
  api<FlowRun>(`/flows/runs/${runId}/resume`, { method: "POST", body });
export const approveNode = (runId: number, nodeId: string) =>
  api<FlowRun>(`/flows/runs/${runId}/nodes/${encodeURIComponent(nodeId)}/approve`, { method: "POST" });
export const rejectNode = (runId: number, nodeId: string) =>
  api<FlowRun>(`/flows/runs/${runId}/nodes/${encodeURIComponent(nodeId)}/reject`, { method: "POST" });
export const runEventsPath = (runId: number) => `/flows/runs/${runId}/events`;
