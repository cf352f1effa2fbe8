// GET /api/flows/node-types: the node types the server knows and their forms.

import { call, client } from "./client";
import type { components } from "./schema.gen";

export type NodeTypeInfo = components["schemas"]["NodeTypeInfo"];
export type FormField = components["schemas"]["FormField"];
export type FieldOption = components["schemas"]["FieldOption"];

export function listNodeTypes(): Promise<NodeTypeInfo[]> {
  return call(client.GET("/api/flows/node-types"));
}
