// Version history: every save is kept; restoring one saves it again as the newest version.

import { useState } from "react";
import type { FlowVersion } from "../../api/flows";
import { ConfirmDialog } from "../ConfirmDialog";
import { Spinner } from "../Elapsed";
import { ErrorNote } from "../ErrorNote";
import { useFlowVersions } from "../../hooks/useFlows";
import { formatWhen } from "./describe";

interface Props {
  flowId: number;
  currentVersion: number;
  dirty: boolean;
  restoring: boolean;
  onRestore: (version: number) => void;
}

export function VersionDrawer({ flowId, currentVersion, dirty, restoring, onRestore }: Props) {
  const versions = useFlowVersions(flowId, true);
  const [pick, setPick] = useState<FlowVersion | null>(null);
  return (
    <section className="version-drawer" aria-label="Version history">
      <h2>Version history</h2>
      {versions.isPending && <Spinner label="Loading versions" />}
      <ErrorNote error={versions.error} />
      <ol className="version-list">
        {versions.data?.map((v) => (
          <li key={v.version} className={v.version === currentVersion ? "current" : undefined}>
            <div className="row between">
              <strong>v{v.version}</strong>
              <span className="muted small">{formatWhen(v.created_at)}</span>
            </div>
            <div className="small">
              {v.name} · {v.node_count} step{v.node_count === 1 ? "" : "s"}
            </div>
            {v.note && <div className="muted small">{v.note}</div>}
            {v.version === currentVersion ? (
              <span className="badge ok">current</span>
            ) : (
              <button disabled={restoring} onClick={() => setPick(v)} aria-label={`Restore version ${v.version}`}>
                Restore
              </button>
            )}
          </li>
        ))}
      </ol>
      <ConfirmDialog
        open={pick !== null}
        title={`Restore version ${pick?.version ?? ""}?`}
        confirmLabel="Restore"
        onCancel={() => setPick(null)}
        onConfirm={() => {
          if (pick) onRestore(pick.version);
          setPick(null);
        }}
      >
        <p>
          The definition from v{pick?.version} becomes a new version (v{currentVersion + 1}); nothing in the history is
          lost.
          {dirty ? " Your unsaved changes in the editor will be discarded." : ""}
        </p>
      </ConfirmDialog>
    </section>
  );
}
