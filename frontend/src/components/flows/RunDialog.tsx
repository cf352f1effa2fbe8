// Asks for the flow's declared inputs (and whether to auto-approve LLM steps) before a run starts.

import { useEffect, useRef, useState } from "react";
import type { FlowInputDecl } from "../../api/flows";
import { Elapsed } from "../Elapsed";
import { ErrorNote } from "../ErrorNote";

interface Props {
  open: boolean;
  inputs: FlowInputDecl[];
  autoApproveDefault: boolean;
  starting: boolean;
  error: unknown;
  onStart: (inputs: Record<string, string>, autoApprove: boolean) => void;
  onClose: () => void;
}

export function RunDialog({ open, inputs, autoApproveDefault, starting, error, onStart, onClose }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [autoApprove, setAutoApprove] = useState(autoApproveDefault);
  const [since, setSince] = useState(0);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      setValues(Object.fromEntries(inputs.map((i) => [i.name, i.default ?? ""])));
      setAutoApprove(autoApproveDefault);
      d.showModal();
    } else if (!open && d.open) d.close();
  }, [open, inputs, autoApproveDefault]);
  const missing = inputs.filter((i) => i.required && !(values[i.name] ?? "").trim()).map((i) => i.name);
  return (
    <dialog ref={ref} className="dialog" aria-label="Run flow" onCancel={onClose}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (missing.length) return;
          setSince(Date.now());
          onStart(values, autoApprove);
        }}
      >
        <h2>Run flow</h2>
        <div className="dialog-body">
          {inputs.length === 0 && <p className="muted">This flow declares no inputs.</p>}
          {inputs.map((inp, i) => (
            <label className="field" key={inp.name}>
              <span className="field-label">
                {inp.name}
                {inp.required ? " (required)" : ""}
                {inp.description ? ` — ${inp.description}` : ""}
              </span>
              <input
                autoFocus={i === 0}
                value={values[inp.name] ?? ""}
                aria-label={`Input ${inp.name}`}
                onChange={(e) => setValues((v) => ({ ...v, [inp.name]: e.target.value }))}
              />
            </label>
          ))}
          <label className="check">
            <input type="checkbox" checked={autoApprove} onChange={(e) => setAutoApprove(e.target.checked)} />
            <span>Auto-approve LLM steps (no cost confirmation). Approval steps still wait for you.</span>
          </label>
          {missing.length > 0 && <p className="field-error">Fill in: {missing.join(", ")}</p>}
          <ErrorNote error={error} />
        </div>
        <div className="row end">
          {starting && <Elapsed since={since} label="Starting" />}
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={starting || missing.length > 0}>
            Start run
          </button>
        </div>
      </form>
    </dialog>
  );
}
