// Typed client for GET /api/flows/node-types: the node types the server knows and their forms.

import { api } from "./client";
import type { components, paths } from "./schema.gen";

export type NodeTypeInfo = components["schemas"]["NodeTypeInfo"];
export type FormField = components["schemas"]["FormField"];
export type FieldOption = components["schemas"]["FieldOption"];

type NodeTypeList = paths["/api/flows/node-types"]["get"]["responses"][200]["content"]["application/json"];

export function listNodeTypes(): Promise<NodeTypeList> {
  return api<NodeTypeList>("/flows/node-types");
}
