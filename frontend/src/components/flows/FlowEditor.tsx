// The flow editor: palette, canvas and side panel, with save (Ctrl/Cmd+S), validation and runs.

import { useEffect, useMemo, useRef, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { ApiError } from "../../api/client";
import * as api from "../../api/flows";
import type { Flow, FlowSettings, ValidationIssue } from "../../api/flows";
import { useFlowsInvalidate } from "../../hooks/useFlows";
import { useUnsavedGuard } from "../../hooks/useUnsavedGuard";
import { Spinner } from "../Elapsed";
import { errorMessage } from "../ErrorNote";
import { useToast } from "../Toasts";
import { CanvasContext, groupIssues, type CanvasInfo } from "./canvasContext";
import { FlowCanvas } from "./FlowCanvas";
import { NodePanel } from "./NodePanel";
import { Palette } from "./Palette";
import { RunDialog } from "./RunDialog";
import { RunHistory } from "./RunHistory";
import { SettingsPanel, type FlowMeta } from "./SettingsPanel";
import { SidePanel } from "./SidePanel";
import { useEditorGraph } from "./useEditorGraph";
import { useEditorKeys } from "./useEditorKeys";
import { useStoredFlag } from "./useStoredFlag";
import { useValidation } from "./useValidation";
import { VersionDrawer } from "./VersionDrawer";

type Tab = "step" | "flow" | "runs" | "versions";
const TABS: { id: Tab; label: string }[] = [
  { id: "step", label: "Step" },
  { id: "flow", label: "Flow" },
  { id: "runs", label: "Runs" },
  { id: "versions", label: "History" },
];

const metaOf = (f: Flow): FlowMeta => ({ name: f.name, description: f.description, status: f.status });

export function FlowEditor({ flow }: { flow: Flow }) {
  const toast = useToast();
  const navigate = useNavigate();
  const invalidate = useFlowsInvalidate();
  const g = useEditorGraph(flow.data);
  const [meta, setMeta] = useState<FlowMeta>(() => metaOf(flow));
  const [version, setVersion] = useState(flow.version);
  const [tab, setTab] = useState<Tab>("step");
  const [saving, setSaving] = useState(false);
  const [conflict, setConflict] = useState<string | null>(null);
  const [saveIssues, setSaveIssues] = useState<ValidationIssue[] | null>(null);
  const [runOpen, setRunOpen] = useState(false);
  const [starting, setStarting] = useState(false);
  const [runError, setRunError] = useState<unknown>(null);
  const [restoring, setRestoring] = useState(false);
  const [paletteOpen, setPaletteOpen] = useStoredFlag("forge.flows.palette", true);
  const [sideOpen, setSideOpen] = useStoredFlag("forge.flows.side", true);

  const key = JSON.stringify([g.definition, meta]);
  const [savedKey, setSavedKey] = useState<string | null>(null);
  // The first render's key is the saved state (React Flow adds nothing to it).
  useEffect(() => {
    if (savedKey === null) setSavedKey(key);
  }, [key, savedKey]);
  const dirty = savedKey !== null && key !== savedKey;

  const validation = useValidation(g.definition);
  const issues = saveIssues ?? validation.issues;
  useEffect(() => setSaveIssues(null), [key]);

  const load = (f: Flow) => {
    g.load(f.data);
    setMeta(metaOf(f));
    setVersion(f.version);
    setSavedKey(null);
    setConflict(null);
  };

  const save = async (): Promise<Flow | null> => {
    if (!meta.name.trim()) {
      toast.error("A flow needs a name (Flow tab)");
      setTab("flow");
      return null;
    }
    setSaving(true);
    const savingKey = key;
    try {
      const saved = await api.updateFlow(flow.id, { ...meta, data: g.definition, version });
      setVersion(saved.version);
      setSavedKey(savingKey);
      toast.success(`Saved as version ${saved.version}`);
      void invalidate();
      return saved;
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setConflict(err.message);
      else {
        if (err instanceof ApiError && err.status === 422 && Array.isArray(err.details))
          setSaveIssues(err.details as ValidationIssue[]);
        toast.error(errorMessage(err));
      }
      return null;
    } finally {
      setSaving(false);
    }
  };

  // Ctrl/Cmd+S with nothing changed would only add an identical version.
  const saveRef = useRef(save);
  saveRef.current = dirty
    ? save
    : async () => {
        toast.show("info", "No unsaved changes");
        return null;
      };
  useEditorKeys({
    save: () => void saveRef.current(),
    undo: () => void g.undo(),
    redo: () => void g.redo(),
    copy: () => {
      const n = g.copy();
      if (n) toast.show("info", `Copied ${n} step${n > 1 ? "s" : ""}`);
    },
    paste: () => void g.paste(),
  });
  const leaveGuard = useUnsavedGuard(dirty, "This flow has unsaved changes.");

  const reload = async () => {
    try {
      load(await api.getFlow(flow.id));
      toast.success("Reloaded the latest version");
    } catch (err) {
      toast.error(errorMessage(err));
    }
  };

  const restore = async (v: number) => {
    setRestoring(true);
    try {
      const restored = await api.restoreVersion(flow.id, v);
      load(restored);
      void invalidate();
      toast.success(`Restored version ${v} as version ${restored.version}`);
    } catch (err) {
      toast.error(errorMessage(err));
    } finally {
      setRestoring(false);
    }
  };

  const startRun = async (inputs: Record<string, string>, autoApprove: boolean) => {
    setStarting(true);
    setRunError(null);
    try {
      if (dirty && !(await save())) {
        setRunError(new Error("The flow could not be saved, so it did not run. See the problems marked on the steps."));
        return;
      }
      const { run } = await api.startRun(flow.id, { inputs, auto_approve: autoApprove });
      void invalidate();
      navigate(`/flows/${flow.id}/runs/${run.id}`);
    } catch (err) {
      setRunError(err);
    } finally {
      setStarting(false);
    }
  };

  const grouped = useMemo(() => groupIssues(issues), [issues]);
  const canvasInfo = useMemo<CanvasInfo>(
    () => ({ issues: grouped, runNodes: new Map(), deciding: new Set() }),
    [grouped],
  );
  const selectedNode = g.nodes.find((n) => n.id === g.selected) ?? null;
  const inputNames = (g.settings.inputs ?? []).map((i) => i.name).filter(Boolean);
  const flowIssues = grouped.get("") ?? [];
  const firstBad = issues.find((i) => i.node_id)?.node_id ?? null;

  const selectNode = (id: string | null) => {
    g.setSelected(id);
    if (id) setTab("step");
  };

  return (
    <div className="flow-editor">
      <header className="flow-toolbar">
        <Link to="/flows" className="back-link" aria-label="Back to all flows">
          ← Flows
        </Link>
        <h1 className="flow-name">{meta.name || "Untitled flow"}</h1>
        <span className={`badge ${meta.status === "active" ? "ok" : ""}`}>{meta.status}</span>
        <span className="muted small">v{version}</span>
        {dirty && <span className="badge warn">unsaved</span>}
        {validation.checking && <Spinner label="Checking the flow" />}
        {issues.length > 0 ? (
          <button
            className="badge bad issues-badge"
            onClick={() => {
              if (firstBad) {
                g.select(firstBad);
                setTab("step");
              } else setTab("flow");
            }}
          >
            {issues.length} problem{issues.length > 1 ? "s" : ""}
          </button>
        ) : (
          g.nodes.length > 0 && !validation.checking && <span className="badge ok">valid</span>
        )}
        <span className="toolbar-spacer" />
        <button onClick={() => void g.undo()} disabled={!g.canUndo} title="Undo (Ctrl+Z)">
          Undo
        </button>
        <button onClick={() => void g.redo()} disabled={!g.canRedo} title="Redo (Ctrl+Shift+Z / Ctrl+Y)">
          Redo
        </button>
        <button onClick={g.layout} disabled={g.nodes.length === 0} title="Arrange the steps left to right">
          Auto-layout
        </button>
        <button onClick={() => void save()} disabled={saving || !dirty} title="Save (Ctrl+S / ⌘S)">
          {saving ? <Spinner label="Saving" /> : null} Save
        </button>
        <button
          className="primary"
          onClick={() => {
            setRunError(null);
            setRunOpen(true);
          }}
          disabled={g.nodes.length === 0 || meta.status === "archived"}
          title={meta.status === "archived" ? "Archived flows do not run" : dirty ? "Saves, then runs" : "Run this flow"}
        >
          {dirty ? "Save & run" : "Run"}
        </button>
      </header>
      {conflict && (
        <div className="conflict-banner" role="alert">
          <span>{conflict}</span>
          <button className="primary" onClick={() => void reload()}>
            Reload latest (discard my changes)
          </button>
          <button onClick={() => setConflict(null)}>Keep editing</button>
        </div>
      )}
      <div className={`flow-body${paletteOpen ? "" : " palette-collapsed"}${sideOpen ? "" : " side-collapsed"}`}>
        <Palette onAdd={(type) => selectNode(g.addNode(type))} collapsed={!paletteOpen} onToggle={() => setPaletteOpen(!paletteOpen)} />
        <CanvasContext.Provider value={canvasInfo}>
          <FlowCanvas
            nodes={g.nodes}
            edges={g.edges}
            onNodesChange={g.onNodesChange}
            onEdgesChange={g.onEdgesChange}
            onConnect={g.connect}
            onDropNode={(type, pos) => selectNode(g.addNode(type, pos))}
            onSelect={selectNode}
          />
        </CanvasContext.Provider>
        <SidePanel
          open={sideOpen}
          onToggle={() => setSideOpen(!sideOpen)}
          tabs={TABS.map((t) => ({ ...t, flag: t.id === "flow" && flowIssues.length > 0 }))}
          tab={tab}
          onTab={setTab}
        >
          {tab === "step" &&
            (selectedNode ? (
              <NodePanel
                node={selectedNode}
                nodes={g.nodes}
                edges={g.edges}
                issues={grouped.get(selectedNode.id) ?? []}
                inputs={inputNames}
                onData={(patch) => g.updateData(selectedNode.id, patch)}
                onRename={(to) => g.rename(selectedNode.id, to)}
                onLink={(source, branch, linked) => g.link(source, selectedNode.id, branch, linked)}
                onDelete={() => g.remove(selectedNode.id)}
              />
            ) : (
              <p className="muted">
                {g.nodes.length === 0
                  ? "Add a step from the palette to begin."
                  : "Select a step on the canvas to configure it."}
              </p>
            ))}
          {tab === "flow" && (
            <SettingsPanel
              meta={meta}
              settings={g.settings}
              issues={flowIssues}
              onMeta={(patch) => setMeta((m) => ({ ...m, ...patch }))}
              onSettings={(patch: Partial<FlowSettings>) => g.updateSettings(patch)}
            />
          )}
          {tab === "runs" && <RunHistory flowId={flow.id} />}
          {tab === "versions" && (
            <VersionDrawer flowId={flow.id} currentVersion={version} dirty={dirty} restoring={restoring} onRestore={(v) => void restore(v)} />
          )}
        </SidePanel>
      </div>
      <RunDialog
        open={runOpen}
        inputs={g.settings.inputs ?? []}
        autoApproveDefault={Boolean(g.settings.auto_approve)}
        starting={starting}
        error={runError}
        onStart={(inputs, auto) => void startRun(inputs, auto)}
        onClose={() => setRunOpen(false)}
      />
      {leaveGuard}
    </div>
  );
}
