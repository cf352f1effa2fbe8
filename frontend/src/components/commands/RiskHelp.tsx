// A "?" button beside the risk badge that opens the written severity policy in a dialog.

import { useEffect, useRef, useState, type SyntheticEvent } from "react";
import { RISK_POLICY, RISK_POLICY_INTRO, RISK_POLICY_LIMITS } from "./riskPolicy";

export function RiskHelp() {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (open && dialog && !dialog.open) dialog.showModal();
  }, [open]);
  // React propagates dialog events along the component tree: keep Escape and clicks here from
  // also closing a dialog the badge sits in (the run dialog, the card form).
  const stop = (e: SyntheticEvent) => e.stopPropagation();
  return (
    <>
      <button
        type="button"
        className="risk-help-button"
        aria-label="What the risk levels mean"
        title="What the risk levels mean"
        aria-haspopup="dialog"
        onClick={(e) => {
          e.stopPropagation();
          setOpen(true);
        }}
      >
        ?
      </button>
      {/* Rendered only while open, so its text never doubles the page's for finders or readers. */}
      {open && (
        <dialog ref={ref} className="dialog risk-help" aria-label="What the risk levels mean" onCancel={stop} onClose={(e) => { stop(e); setOpen(false); }} onClick={stop}>
          <h2>What the risk levels mean</h2>
          <div className="dialog-body small">
            <p>{RISK_POLICY_INTRO}</p>
            {RISK_POLICY.map((level) => (
              <section key={level.level}>
                <h3>
                  <span className={`badge ${level.level}`}>{level.level}</span> {level.summary}
                </h3>
                <ul>
                  {level.items.map((item) => (
                    <li key={item}>{item}</li>
                  ))}
                </ul>
              </section>
            ))}
            <p className="muted">{RISK_POLICY_LIMITS}</p>
          </div>
          <div className="row end">
            <button type="button" className="primary" onClick={() => ref.current?.close()} autoFocus>
              Close
            </button>
          </div>
        </dialog>
      )}
    </>
  );
}
