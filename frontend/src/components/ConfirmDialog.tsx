// Asks before a destructive action; optionally requires typing a word to confirm.

import { useEffect, useRef, useState, type ReactNode } from "react";

interface Props {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel?: string;
  /** The label of the button that backs out (default "Cancel"). */
  cancelLabel?: string;
  danger?: boolean;
  /** When set, the user must type this exact text before Confirm is enabled. */
  requireText?: string;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmDialog(props: Props) {
  const { open, title, children, confirmLabel = "Confirm", cancelLabel = "Cancel", danger, requireText, onConfirm, onCancel } = props;
  const [typed, setTyped] = useState("");
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setTyped("");
      dialog.showModal();
    } else if (!open && dialog.open) dialog.close();
  }, [open]);
  const blocked = requireText !== undefined && typed !== requireText;
  return (
    <dialog ref={ref} className="dialog" onCancel={onCancel} aria-label={title}>
      <h2>{title}</h2>
      <div className="dialog-body">{children}</div>
      {requireText !== undefined && (
        <label className="field">
          <span>
            Type <code>{requireText}</code> to confirm
          </span>
          <input value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus aria-label="Confirmation text" />
        </label>
      )}
      <div className="row end">
        <button onClick={onCancel}>{cancelLabel}</button>
        <button className={danger ? "danger" : "primary"} disabled={blocked} onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
