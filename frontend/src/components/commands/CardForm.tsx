// Create or edit a command card in a dialog: name, command (with live risk), description, tags,
// shell, default working directory and the declared {{variables}}.

import { useEffect, useRef, useState, type FormEvent } from "react";
import { placeholders, type Card, type CardFields, type Shell, type Variable } from "../../api/commands";
import { shellOptions } from "../../api/shells";
import { useRiskPreview, useSaveCard } from "../../hooks/useCommands";
import { ErrorNote } from "../ErrorNote";
import { Spinner } from "../Elapsed";
import { useToast } from "../Toasts";
import { ConfirmDialog } from "../ConfirmDialog";
import { useUnsavedGuard } from "../../hooks/useUnsavedGuard";
import { RiskBadge } from "./RiskBadge";

interface Props {
  open: boolean;
  card: Card | null;
  onClose: () => void;
  onSaved?: (card: Card) => void;
}

const blank: CardFields = { name: "", command: "", description: "", tags: [], shell: "bash", cwd: null, variables: [] };

/** Only what PUT accepts: a card also carries its id, provenance, risk and timestamps. */
function editableFields(card: Card): CardFields {
  const { name, command, description, tags, shell, cwd, variables } = card;
  return { name, command, description, tags: [...tags], shell, cwd, variables: variables.map((v) => ({ ...v })) };
}

export function CardForm({ open, card, onClose, onSaved }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const [fields, setFields] = useState<CardFields>(blank);
  const [tagText, setTagText] = useState("");
  const [initial, setInitial] = useState("");
  const [discarding, setDiscarding] = useState(false);
  const save = useSaveCard();
  const toast = useToast();
  const risk = useRiskPreview(open ? fields.command : "");

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      const start = card ? editableFields(card) : blank;
      setFields(start);
      setTagText(start.tags.join(", "));
      setInitial(JSON.stringify([start, start.tags.join(", ")]));
      setDiscarding(false);
      save.reset();
      dialog.showModal();
    } else if (!open && dialog.open) dialog.close();
    // Reset only when the dialog opens, not on every render of the card being edited.
  }, [open]);

  const dirty = open && initial !== "" && JSON.stringify([fields, tagText]) !== initial;
  const guard = useUnsavedGuard(dirty && !save.isSuccess, "This card has unsaved changes.");
  // Escape and Cancel close the form: with unsaved text, ask first.
  const requestClose = () => (dirty ? setDiscarding(true) : onClose());

  const set = <K extends keyof CardFields>(key: K, value: CardFields[K]) => setFields((f) => ({ ...f, [key]: value }));
  const setVar = (i: number, patch: Partial<Variable>) =>
    set("variables", fields.variables.map((v, j) => (i === j ? { ...v, ...patch } : v)));
  const undeclared = placeholders(fields.command).filter((n) => !fields.variables.some((v) => v.name === n));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: CardFields = {
      name: fields.name,
      command: fields.command,
      description: fields.description,
      shell: fields.shell,
      cwd: fields.cwd?.trim() || null,
      tags: tagText.split(",").map((t) => t.trim()).filter(Boolean),
      variables: fields.variables.map((v) => ({ ...v, default: v.default === "" ? null : v.default })),
    };
    save.mutate(
      { id: card?.id, fields: body },
      {
        onSuccess: (saved) => {
          toast.success(card ? "Card saved" : "Card created");
          onSaved?.(saved);
          onClose();
        },
      },
    );
  };

  return (
    <>
      <dialog
        ref={ref}
        className="dialog run-dialog"
        onCancel={(e) => {
          e.preventDefault();
          requestClose();
        }}
        aria-label={card ? "Edit card" : "New card"}
      >
        <h2>{card ? "Edit card" : "New card"}</h2>
        <form onSubmit={submit}>
          <label className="field">
            <span>Name</span>
            <input value={fields.name} onChange={(e) => set("name", e.target.value)} required maxLength={200} autoFocus />
          </label>
          <label className="field">
            <span className="row between">
              Command <span className="muted small">use {"{{name}}"} for a value asked at run time</span>
            </span>
            <textarea
              className="mono"
              value={fields.command}
              onChange={(e) => set("command", e.target.value)}
              required
              rows={3}
              spellCheck={false}
              aria-label="Command"
            />
          </label>
          <div className="row small" aria-live="polite">
            {risk.pending ? <Spinner label="Checking risk" /> : risk.verdict && <RiskBadge verdict={risk.verdict} />}
            {risk.verdict?.reasons.map((r) => (
              <span key={r} className="muted">
                {r}
              </span>
            ))}
          </div>
          <label className="field">
            <span>Description</span>
            <input value={fields.description} onChange={(e) => set("description", e.target.value)} />
          </label>
          <div className="row">
            <label className="field" style={{ flex: "2 1 12rem" }}>
              <span>Tags (comma separated)</span>
              <input value={tagText} onChange={(e) => setTagText(e.target.value)} />
            </label>
            <label className="field" style={{ flex: "1 1 6rem" }}>
              <span>Shell</span>
              <select value={fields.shell} onChange={(e) => set("shell", e.target.value as Shell)}>
                {shellOptions("run").map((s) => (
                  <option key={s.value} value={s.value} disabled={s.disabled}>
                    {s.label}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <label className="field">
            <span>Working directory (optional)</span>
            <input value={fields.cwd ?? ""} onChange={(e) => set("cwd", e.target.value)} placeholder="~/projects/app" />
          </label>
          <fieldset className="stack" style={{ border: "none", padding: 0, margin: "0 0 0.75rem" }}>
            <legend className="muted small">Variables</legend>
            {fields.variables.map((v, i) => (
              <div key={i} className="var-row">
                <input aria-label="Variable name" placeholder="name" value={v.name} onChange={(e) => setVar(i, { name: e.target.value })} required />
                <input aria-label="Variable description" placeholder="description" value={v.description} onChange={(e) => setVar(i, { description: e.target.value })} />
                <input aria-label="Variable default" placeholder="default" value={v.default ?? ""} onChange={(e) => setVar(i, { default: e.target.value })} />
                <label className="row small">
                  <input type="checkbox" style={{ width: "auto" }} checked={v.required} onChange={(e) => setVar(i, { required: e.target.checked })} />
                  required
                </label>
                <button type="button" aria-label={`Remove variable ${v.name}`} onClick={() => set("variables", fields.variables.filter((_, j) => j !== i))}>
                  ✕
                </button>
              </div>
            ))}
            <div className="row">
              <button type="button" onClick={() => set("variables", [...fields.variables, { name: "", description: "", default: null, required: false }])}>
                Add variable
              </button>
              {undeclared.length > 0 && (
                <button
                  type="button"
                  onClick={() =>
                    set("variables", [...fields.variables, ...undeclared.map((name) => ({ name, description: "", default: null, required: true }))])
                  }
                >
                  Declare {undeclared.map((n) => `{{${n}}}`).join(", ")}
                </button>
              )}
            </div>
          </fieldset>
          <ErrorNote error={save.error} />
          <div className="row end">
            <button type="button" onClick={requestClose}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={save.isPending}>
              {save.isPending ? "Saving…" : card ? "Save" : "Create"}
            </button>
          </div>
        </form>
      </dialog>
      <ConfirmDialog
        open={discarding}
        title={card ? "Discard your changes?" : "Discard this card?"}
        confirmLabel="Discard"
        cancelLabel="Keep editing"
        danger
        onConfirm={() => {
          setDiscarding(false);
          onClose();
        }}
        onCancel={() => setDiscarding(false)}
      >
        <p>What you typed in this form is not saved.</p>
      </ConfirmDialog>
      {guard}
    </>
  );
}
