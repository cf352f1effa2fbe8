// The node types (palette entries, icons and settings forms) as the server reports them.

import { useQuery } from "@tanstack/react-query";
import { listNodeTypes, type NodeTypeInfo } from "../api/nodeTypes";

export const nodeTypeKeys = { all: ["flows", "node-types"] as const };

/** Fetched once per session: node types change only when the server does. */
export function useNodeTypes() {
  return useQuery({ queryKey: nodeTypeKeys.all, queryFn: listNodeTypes, staleTime: Infinity });
}

/** The metadata of one type, or undefined while loading (or for a type the server lacks). */
export function useNodeType(type: string): NodeTypeInfo | undefined {
  return useNodeTypes().data?.find((t) => t.type === type);
}
