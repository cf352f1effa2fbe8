// All flows: status, last run, step count; create, import, duplicate, archive and delete.

import { useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { ticketedDownload } from "../../api/client";
import * as api from "../../api/flows";
import type { Flow } from "../../api/flows";
import { useFlowList, useFlowMutation } from "../../hooks/useFlows";
import { ConfirmDialog } from "../ConfirmDialog";
import { Spinner } from "../Elapsed";
import { ErrorNote } from "../ErrorNote";
import { ImportFileButton } from "../ImportFileButton";
import { useToast } from "../Toasts";
import { formatWhen } from "./describe";

function CreateForm({ onDone }: { onDone: () => void }) {
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const create = useFlowMutation((n: string) => api.createFlow({ name: n, description: "", data: { nodes: [], edges: [] } }));
  return (
    <form
      className="card create-flow"
      onSubmit={(e) => {
        e.preventDefault();
        if (!name.trim()) return;
        create.mutate(name.trim(), { onSuccess: (f) => navigate(`/flows/${f.id}`) });
      }}
    >
      <label className="field">
        <span className="field-label">Name of the new flow</span>
        <input autoFocus value={name} onChange={(e) => setName(e.target.value)} placeholder="Build, test and review" aria-label="Flow name" />
      </label>
      <div className="row">
        <button className="primary" type="submit" disabled={!name.trim() || create.isPending}>
          {create.isPending && <Spinner label="Creating" />} Create and open
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function FlowList() {
  const toast = useToast();
  const navigate = useNavigate();
  const [archived, setArchived] = useState(false);
  const [creating, setCreating] = useState(false);
  const [toDelete, setToDelete] = useState<Flow | null>(null);
  const flows = useFlowList(archived);
  const duplicate = useFlowMutation((id: number) => api.duplicateFlow(id));
  const setStatus = useFlowMutation((a: { flow: Flow; status: api.FlowStatus }) =>
    api.updateFlow(a.flow.id, { version: a.flow.version, status: a.status }),
  );
  const remove = useFlowMutation((id: number) => api.deleteFlow(id));
  const importer = useFlowMutation((body: unknown) => api.importFlow(body));

  const onImport = async (file: File) => {
    let body: unknown;
    try {
      body = JSON.parse(await file.text());
    } catch {
      toast.error(`${file.name} is not a JSON file`);
      return;
    }
    importer.mutate(body, {
      onSuccess: (f) => {
        toast.success(`Imported “${f.name}”`);
        navigate(`/flows/${f.id}`);
      },
    });
  };

  return (
    <div className="page flows-list">
      <div className="row between">
        <h1>Flows</h1>
        <div className="row">
          <label className="check">
            <input type="checkbox" checked={archived} onChange={(e) => setArchived(e.target.checked)} />
            <span>Show archived</span>
          </label>
          <Link to="/flows/runs" className="button-link">
            All runs
          </Link>
          <ImportFileButton fileLabel="Flow file to import" disabled={importer.isPending} onFile={(f) => void onImport(f)}>
            {importer.isPending && <Spinner label="Importing" />} Import…
          </ImportFileButton>
          <button className="primary" onClick={() => setCreating(true)}>
            New flow
          </button>
        </div>
      </div>
      <p className="lead">Chain shell commands and LLM steps into a graph; independent branches run in parallel.</p>
      {creating && <CreateForm onDone={() => setCreating(false)} />}
      {flows.isPending && <Spinner label="Loading flows" />}
      <ErrorNote error={flows.error} />
      {flows.data && flows.data.length === 0 && !creating && (
        <div className="card">
          <p>No flows yet.</p>
          <button className="primary" onClick={() => setCreating(true)}>
            Create your first flow
          </button>
        </div>
      )}
      {flows.data && flows.data.length > 0 && (
        <div className="table-wrap">
          <table className="flows-table cards-on-phone">
            <thead>
              <tr>
                <th>Name</th>
                <th>Status</th>
                <th>Steps</th>
                <th>Last run</th>
                <th>Updated</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {flows.data.map((f) => (
                <tr key={f.id}>
                  <td className="card-title">
                    <Link to={`/flows/${f.id}`}>
                      <strong>{f.name}</strong>
                    </Link>
                    {f.description && <div className="muted small">{f.description}</div>}
                  </td>
                  <td data-label="Status">
                    <span className={`badge ${f.status === "active" ? "ok" : ""}`}>{f.status}</span>
                  </td>
                  <td data-label="Steps">{f.node_count}</td>
                  <td data-label="Last run">
                    {f.last_run ? (
                      <Link to={`/flows/${f.id}/runs/${f.last_run.id}`} className="row">
                        <span className={`badge ${f.last_run.status}`}>{f.last_run.status.replace("_", " ")}</span>
                        <span className="small muted">{formatWhen(f.last_run.started_at ?? f.last_run.created_at)}</span>
                      </Link>
                    ) : (
                      <span className="muted small">never</span>
                    )}
                  </td>
                  <td className="small muted" data-label="Updated">
                    {formatWhen(f.updated_at)}
                  </td>
                  <td className="actions-cell">
                    <div className="row actions">
                      <button onClick={() => duplicate.mutate(f.id, { onSuccess: (d) => toast.success(`Created “${d.name}”`) })} aria-label={`Duplicate ${f.name}`}>
                        Duplicate
                      </button>
                      <a className="button-link" href={api.exportFlowUrl(f.id)} download onClick={ticketedDownload} aria-label={`Export ${f.name}`}>
                        Export
                      </a>
                      <button
                        onClick={() => setStatus.mutate({ flow: f, status: f.status === "archived" ? "draft" : "archived" })}
                        aria-label={`${f.status === "archived" ? "Unarchive" : "Archive"} ${f.name}`}
                      >
                        {f.status === "archived" ? "Unarchive" : "Archive"}
                      </button>
                      <button className="danger" onClick={() => setToDelete(f)} aria-label={`Delete ${f.name}`}>
                        Delete
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={toDelete !== null}
        title={`Delete “${toDelete?.name ?? ""}”?`}
        danger
        confirmLabel="Delete flow"
        requireText={toDelete?.name}
        onCancel={() => setToDelete(null)}
        onConfirm={() => {
          const f = toDelete;
          setToDelete(null);
          if (f)
            remove.mutate(f.id, { onSuccess: () => toast.success(`Deleted “${f.name}”`) });
        }}
      >
        <p>The flow, all its versions and its run history are deleted. This cannot be undone.</p>
      </ConfirmDialog>
    </div>
  );
}
