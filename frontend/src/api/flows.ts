// Typed client for /api/flows: definitions, versions, validation and runs.

import { call, callEmpty, client } from "./client";
import type { components } from "./schema.gen";

type S = components["schemas"];

export type FlowStatus = S["Flow"]["status"];
export type RunStatus = S["FlowRun"]["status"];
export type NodeRunStatus = S["NodeRun"]["status"];
export type RunTotals = S["RunTotals"];
export type NodeRun = S["NodeRun"];
/** A run as listed in history (no per-node records). */
export type RunSummary = S["forge_orchestrator__flows__models__RunSummary"];
/** A page of runs across flows (GET /flow-runs); pass next_before as `before` for older ones. */
export type RunPage = S["RunPage"];
export type FlowRun = S["FlowRun"];
/** The latest run shown on a flow in the list. */
export type RunBrief = S["RunBrief"];
/** One problem found by validation; node_id is null for flow-level problems. */
export type ValidationIssue = S["IssueOut"];
export type ValidationReport = S["ValidationReport"];

export interface RunFilter {
  statuses: RunStatus[];
  flowId: number | null;
}

// The definition document: the API carries it as a free JSON object (`data`), which the server
// validates with flows.definition before storing; these say what the editor reads in it.
export type NodeType = "shell" | "llm" | "approval" | "condition";

export type FlowNodeDef = {
  id: string;
  type: NodeType;
  position: { x: number; y: number };
  data: Record<string, unknown>;
};

export type FlowEdgeDef = {
  id: string;
  source: string;
  target: string;
  sourceHandle?: string | null;
  data?: { branch?: "true" | "false" };
};

export type FlowInputDecl = {
  name: string;
  description?: string;
  default?: string | null;
  required?: boolean;
};

export type FlowSettings = {
  max_parallel?: number | null;
  auto_approve?: boolean;
  inputs?: FlowInputDecl[];
};

export type FlowDefinition = {
  nodes: FlowNodeDef[];
  edges: FlowEdgeDef[];
  settings?: FlowSettings;
};

/** A stored flow or version, its `data` read as a definition. */
type WithDefinition<T> = Omit<T, "data"> & { data: FlowDefinition };
export type Flow = WithDefinition<S["Flow"]>;
export type FlowVersion = WithDefinition<S["FlowVersion"]>;
export type FlowWrite = WithDefinition<S["FlowCreate"]>;

function withDefinition<T extends { data: Record<string, unknown> }>(stored: T): WithDefinition<T> {
  // Stored only after the server validated it as a definition (flows.definition).
  return { ...stored, data: stored.data as FlowDefinition };
}

const byFlow = (flow_id: number) => ({ params: { path: { flow_id } } });
const byRun = (run_id: number) => ({ params: { path: { run_id } } });
const byNode = (run_id: number, node_id: string) => ({ params: { path: { run_id, node_id } } });
const flowOf = (p: Promise<S["Flow"]>) => p.then(withDefinition);

export const listFlows = (includeArchived: boolean) =>
  call(client.GET("/api/flows", { params: { query: { include_archived: includeArchived || undefined } } })).then(
    (list) => list.map(withDefinition),
  );
export const getFlow = (id: number) => flowOf(call(client.GET("/api/flows/{flow_id}", byFlow(id))));
export const createFlow = (body: FlowWrite) => flowOf(call(client.POST("/api/flows", { body })));
export const updateFlow = (id: number, body: Omit<S["FlowUpdate"], "data"> & { data?: FlowDefinition }) =>
  flowOf(call(client.PUT("/api/flows/{flow_id}", { ...byFlow(id), body })));
export const deleteFlow = (id: number) => callEmpty(client.DELETE("/api/flows/{flow_id}", byFlow(id)));
export const duplicateFlow = (id: number) => flowOf(call(client.POST("/api/flows/{flow_id}/duplicate", byFlow(id))));
/** `body` is a file the user picked, sent as read: the server validates it and says what is wrong. */
export const importFlow = (body: unknown) =>
  flowOf(call(client.POST("/api/flows/import", { body: body as S["FlowImport"] })));
export const exportFlowUrl = (id: number) => `/api/flows/${id}/export`;

export const validateFlow = (data: FlowDefinition, signal?: AbortSignal) =>
  call(client.POST("/api/flows/validate", { body: { data }, signal }));

export const listVersions = (id: number) =>
  call(client.GET("/api/flows/{flow_id}/versions", byFlow(id))).then((list) => list.map(withDefinition));
export const restoreVersion = (id: number, version: number) =>
  flowOf(call(client.POST("/api/flows/{flow_id}/versions/{version}/restore", { params: { path: { flow_id: id, version } } })));

export const startRun = (id: number, body: S["StartRun"]) =>
  call(client.POST("/api/flows/{flow_id}/runs", { ...byFlow(id), body }));
export const listRuns = (id: number) => call(client.GET("/api/flows/{flow_id}/runs", byFlow(id)));
export const listAllRuns = (filter: RunFilter, before?: number | null, limit = 50) =>
  call(
    client.GET("/api/flow-runs", {
      params: { query: { status: filter.statuses, flow_id: filter.flowId, before: before || undefined, limit } },
    }),
  );
export const getRun = (runId: number) => call(client.GET("/api/flows/runs/{run_id}", byRun(runId)));
export const cancelRun = (runId: number) => call(client.POST("/api/flows/runs/{run_id}/cancel", byRun(runId)));
export const resumeRun = (runId: number, body: S["ResumeRun"]) =>
  call(client.POST("/api/flows/runs/{run_id}/resume", { ...byRun(runId), body }));
export const approveNode = (runId: number, nodeId: string) =>
  call(client.POST("/api/flows/runs/{run_id}/nodes/{node_id}/approve", byNode(runId, nodeId)));
export const rejectNode = (runId: number, nodeId: string) =>
  call(client.POST("/api/flows/runs/{run_id}/nodes/{node_id}/reject", byNode(runId, nodeId)));
export const runEventsPath = (runId: number) => `/flows/runs/${runId}/events`;
