// A run, live: the canvas with each step's state, step details, timeline, cancel and resume.

import { useNodesState } from "@xyflow/react";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { Link } from "react-router-dom";
import { ApiError } from "../../api/client";
import * as api from "../../api/flows";
import type { Flow, FlowDefinition } from "../../api/flows";
import { flowKeys, useFlowVersions, useFlowsInvalidate, useRunEvents } from "../../hooks/useFlows";
import { ConfirmDialog } from "../ConfirmDialog";
import { Elapsed, Spinner, formatMs } from "../Elapsed";
import { ErrorNote, errorMessage } from "../ErrorNote";
import { useToast } from "../Toasts";
import { CanvasContext, type CanvasInfo } from "./canvasContext";
import { formatCost, formatTokens, formatWhen } from "./describe";
import { FlowCanvas } from "./FlowCanvas";
import { toCanvas, type FlowNode } from "./graph";
import { NodeRunDetail } from "./NodeRunDetail";
import { RunHistory } from "./RunHistory";
import { ApprovalBar, RunSteps } from "./RunSteps";
import { FINISHED_RUN, RESUMABLE_RUN } from "./runState";
import { Timeline } from "./Timeline";

interface RunCanvasProps {
  definition: FlowDefinition;
  info: CanvasInfo;
  selected: string | null;
  onSelect: (id: string | null) => void;
}

function RunCanvas({ definition, info, selected, onSelect }: RunCanvasProps) {
  const initial = useMemo(() => toCanvas(definition), [definition]);
  const [nodes, setNodes, onNodesChange] = useNodesState<FlowNode>(initial.nodes);
  useEffect(() => setNodes(initial.nodes), [initial, setNodes]);
  // Selecting from the timeline or the steps table highlights the step on the canvas too.
  useEffect(
    () => setNodes((ns) => ns.map((n) => (Boolean(n.selected) === (n.id === selected) ? n : { ...n, selected: n.id === selected }))),
    [selected, setNodes],
  );
  // The minimap colours nodes by class; the class is the step's live state.
  const shown = nodes.map((n) => {
    const status = info.runNodes.get(n.id)?.status ?? "";
    return n.className === status ? n : { ...n, className: status };
  });
  return (
    <CanvasContext.Provider value={info}>
      <FlowCanvas nodes={shown} edges={initial.edges} readOnly onNodesChange={onNodesChange} onSelect={onSelect} />
    </CanvasContext.Provider>
  );
}

export function RunView({ flow, runId }: { flow: Flow; runId: number }) {
  const toast = useToast();
  const invalidate = useFlowsInvalidate();
  const [epoch, setEpoch] = useState(0);
  const live = useRunEvents(runId, epoch);
  const fetched = useQuery({ queryKey: flowKeys.run(runId), queryFn: () => api.getRun(runId) });
  const run = live.run ?? fetched.data ?? null;
  const needVersions = run !== null && run.flow_version !== flow.version;
  const versions = useFlowVersions(flow.id, needVersions);
  const definition =
    (needVersions ? versions.data?.find((v) => v.version === run?.flow_version)?.data : undefined) ?? flow.data;

  const [selected, setSelected] = useState<string | null>(null);
  const [deciding, setDeciding] = useState<Set<string>>(new Set());
  const [rejecting, setRejecting] = useState<string | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [rerunAsk, setRerunAsk] = useState<string[] | null>(null);
  const [busy, setBusy] = useState<null | "cancel" | "resume">(null);

  const decideNow = async (nodeId: string, approve: boolean) => {
    setDeciding((s) => new Set(s).add(nodeId));
    try {
      await (approve ? api.approveNode(runId, nodeId) : api.rejectNode(runId, nodeId));
    } catch (err) {
      toast.error(errorMessage(err));
    } finally {
      setDeciding((s) => {
        const next = new Set(s);
        next.delete(nodeId);
        return next;
      });
    }
  };
  // Rejecting fails the run at that step, so it asks first; approving does not.
  const decide = (nodeId: string, approve: boolean) => (approve ? void decideNow(nodeId, true) : setRejecting(nodeId));

  const cancel = async () => {
    setBusy("cancel");
    try {
      await api.cancelRun(runId);
      toast.success("Run cancelled");
    } catch (err) {
      toast.error(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  const resume = async (rerun: boolean) => {
    setBusy("resume");
    try {
      await api.resumeRun(runId, { rerun_interrupted: rerun });
      void invalidate();
      // The event stream closed when the run ended; follow the resumed run with a new one.
      setEpoch((e) => e + 1);
      toast.success("Run resumed");
    } catch (err) {
      if (err instanceof ApiError && err.code === "rerun_confirmation_required") {
        const details = err.details as { nodes?: string[] } | null;
        setRerunAsk(details?.nodes ?? []);
      } else toast.error(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  const runNodes = useMemo(() => new Map((run?.nodes ?? []).map((n) => [n.node_id, n])), [run]);
  const info = useMemo<CanvasInfo>(
    () => ({ issues: new Map(), runNodes, decide: live.ended ? undefined : decide, deciding }),
    // decide only closes over runId and state setters, so it need not be a dependency.
    [runNodes, deciding, live.ended],
  );

  if (!run) {
    return (
      <div className="page">
        {fetched.error ? <ErrorNote error={fetched.error} /> : <Spinner label="Loading run" />}
      </div>
    );
  }
  const active = !FINISHED_RUN.has(run.status);
  const order = definition.nodes.map((n) => n.id);
  const rec = selected ? runNodes.get(selected) : undefined;
  const started = run.started_at ? Date.parse(run.started_at) : null;

  return (
    <div className="flow-editor run-view">
      <header className="flow-toolbar">
        <Link to={`/flows/${flow.id}`} className="back-link">
          ← {flow.name}
        </Link>
        <h1 className="flow-name">Run #{run.id}</h1>
        <span className={`badge ${run.status}`} data-testid="run-status">
          {run.status.replace("_", " ")}
        </span>
        <span className="muted small">
          v{run.flow_version} · {formatWhen(run.started_at ?? run.created_at)} ·{" "}
          {active && started !== null ? (
            <Elapsed since={started} />
          ) : run.totals.duration_ms !== null ? (
            formatMs(run.totals.duration_ms)
          ) : (
            "—"
          )}{" "}
          · {formatTokens(run.totals.input_tokens + run.totals.output_tokens)} tokens · {formatCost(run.totals.cost_usd)}
        </span>
        {!live.connected && active && <span className="muted small">reconnecting…</span>}
        <span className="toolbar-spacer" />
        {active && (
          <button className="danger" onClick={() => setConfirmCancel(true)} disabled={busy !== null}>
            {busy === "cancel" && <Spinner label="Cancelling" />} Cancel run
          </button>
        )}
        {RESUMABLE_RUN.has(run.status) && (
          <button className="primary" onClick={() => void resume(false)} disabled={busy !== null} title="Run the steps that did not succeed again">
            {busy === "resume" && <Spinner label="Resuming" />} Resume
          </button>
        )}
      </header>
      {!live.ended && (
        <ApprovalBar waiting={run.nodes.filter((n) => n.status === "awaiting_approval")} deciding={deciding} decide={decide} onSelect={setSelected} />
      )}
      {run.error && (
        <p className="error-note run-error" role="alert">
          {run.error}
        </p>
      )}
      <div className="flow-body run-body">
        <RunCanvas definition={definition} info={info} selected={selected} onSelect={setSelected} />
        <aside className="flow-side" aria-label="Run details">
          {rec ? (
            <NodeRunDetail
              rec={rec}
              output={live.output[rec.node_id] ?? rec.output ?? ""}
              live={active}
              deciding={deciding.has(rec.node_id)}
              onDecide={active ? (approve) => decide(rec.node_id, approve) : undefined}
              onClose={() => setSelected(null)}
            />
          ) : (
            <>
              <RunSteps run={run} onSelect={setSelected} />
              <RunHistory flowId={flow.id} currentRunId={run.id} />
            </>
          )}
        </aside>
      </div>
      <Timeline nodes={run.nodes} order={order} runStartedAt={run.started_at} live={active} selected={selected} onSelect={setSelected} />
      <ConfirmDialog
        open={confirmCancel}
        title="Cancel this run?"
        danger
        confirmLabel="Cancel run"
        cancelLabel="Keep running"
        onCancel={() => setConfirmCancel(false)}
        onConfirm={() => {
          setConfirmCancel(false);
          void cancel();
        }}
      >
        <p>Running shell steps are stopped (their whole process group) and LLM calls are abandoned.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={rejecting !== null}
        title={`Reject step ${rejecting ?? ""}?`}
        danger
        confirmLabel="Reject"
        onCancel={() => setRejecting(null)}
        onConfirm={() => {
          const id = rejecting;
          setRejecting(null);
          if (id) void decideNow(id, false);
        }}
      >
        <p>The step fails and the steps after it are skipped.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={rerunAsk !== null}
        title="Re-run interrupted shell steps?"
        confirmLabel="Resume and re-run them"
        onCancel={() => setRerunAsk(null)}
        onConfirm={() => {
          setRerunAsk(null);
          void resume(true);
        }}
      >
        <p>
          These shell steps were running when the server stopped, so they may have done part of their work:{" "}
          <strong className="mono">{(rerunAsk ?? []).join(", ")}</strong>. Resuming runs them again from the start. Steps
          that succeeded are not re-run.
        </p>
      </ConfirmDialog>
    </div>
  );
}
