// A dialog that reopens one run from the runs list: its output (live while it runs) and Cancel.

import { useEffect, useRef } from "react";
import { RunPanel } from "./RunPanel";

export function RunViewer({ runId, title, onClose }: { runId: number | null; title: string; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (runId !== null && !dialog.open) dialog.showModal();
    else if (runId === null && dialog.open) dialog.close();
  }, [runId]);
  return (
    <dialog ref={ref} className="dialog run-dialog" onCancel={onClose} aria-label={title}>
      <div className="stack">
        <h2>{title}</h2>
        {runId !== null && <RunPanel key={runId} runId={runId} />}
        <div className="row end">
          <button type="button" className="primary" onClick={onClose} autoFocus>
            Close
          </button>
        </div>
      </div>
    </dialog>
  );
}
