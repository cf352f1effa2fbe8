// The Flows screen: list at /flows, runs of all flows at /flows/runs, editor at /flows/:id,
// a run at /flows/:id/runs/:runId.

import { ReactFlowProvider } from "@xyflow/react";
import { Route, Routes, useParams } from "react-router-dom";
import { Spinner } from "../components/Elapsed";
import { ErrorNote } from "../components/ErrorNote";
import { AllRuns } from "../components/flows/AllRuns";
import { FlowEditor } from "../components/flows/FlowEditor";
import { FlowList } from "../components/flows/FlowList";
import { RunView } from "../components/flows/RunView";
import { useFlow } from "../hooks/useFlows";
import { useNodeTypes } from "../hooks/useNodeTypes";
import "./flows.css";

function WithFlow({ children }: { children: (flow: NonNullable<ReturnType<typeof useFlow>["data"]>) => React.ReactNode }) {
  const { id } = useParams();
  const flow = useFlow(Number(id));
  // The canvas and the step forms are drawn from the node types, so they load first.
  const types = useNodeTypes();
  const error = flow.error ?? types.error;
  if (error) {
    return (
      <div className="page">
        <ErrorNote error={error} />
      </div>
    );
  }
  if (!flow.data || !types.data) {
    return (
      <div className="center">
        <Spinner label="Loading flow" />
      </div>
    );
  }
  return <ReactFlowProvider>{children(flow.data)}</ReactFlowProvider>;
}

function EditorRoute() {
  // Keyed by id: the editor owns its working copy, loaded once per flow.
  return <WithFlow>{(flow) => <FlowEditor key={flow.id} flow={flow} />}</WithFlow>;
}

function RunRoute() {
  const { runId } = useParams();
  return <WithFlow>{(flow) => <RunView key={runId} flow={flow} runId={Number(runId)} />}</WithFlow>;
}

export default function FlowsPage() {
  return (
    <Routes>
      <Route index element={<FlowList />} />
      <Route path="runs" element={<AllRuns />} />
      <Route path=":id" element={<EditorRoute />} />
      <Route path=":id/runs/:runId" element={<RunRoute />} />
    </Routes>
  );
}
