// Inline edit of the stored card's name, command and description (PUT /api/commands/{id}).

import { useEffect, useState, type FormEvent } from "react";
import { updateCard, type ArchitectCard } from "../../api/architect";
import type { RiskVerdict } from "../../api/commands";
import { useRiskPreview } from "../../hooks/useCommands";
import { useUnsavedGuard } from "../../hooks/useUnsavedGuard";
import { ErrorNote } from "../ErrorNote";

export interface Draft {
  command: string;
  /** The typed command's verdict; null until the preview answers. */
  risk: RiskVerdict | null;
}

interface Props {
  card: ArchitectCard;
  /** The command the explanation was written for: editing away from it makes that stale. */
  explainedFor: string;
  onSaved: (card: ArchitectCard) => void;
  onCancel: () => void;
  /** Follows the typed command, so the card's badge and explanation reflect it live. */
  onDraft?: (draft: Draft) => void;
}

export function EditCardForm({ card, explainedFor, onSaved, onCancel, onDraft }: Props) {
  const [name, setName] = useState(card.name);
  const [command, setCommand] = useState(card.command);
  const [description, setDescription] = useState(card.description);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const { verdict, pending } = useRiskPreview(command);
  const dirty = name !== card.name || command !== card.command || description !== card.description;
  const guard = useUnsavedGuard(dirty && !saving, "This card has unsaved edits.");
  const commandChanged = command.trim() !== explainedFor.trim();

  useEffect(() => {
    onDraft?.({ command, risk: command === card.command ? card.risk : verdict });
  }, [command, verdict, card.command, card.risk, onDraft]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      onSaved(await updateCard(card.id, { name, command, description }));
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  return (
    <>
      <form className="stack edit-card" onSubmit={submit} aria-label="Edit card">
        <label className="field">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </label>
        <label className="field">
          <span>Command</span>
          <textarea
            className="mono"
            value={command}
            onChange={(e) => setCommand(e.target.value)}
            required
            rows={Math.min(8, Math.max(2, command.split("\n").length + 1))}
            spellCheck={false}
            aria-describedby="edit-card-risk"
          />
        </label>
        <div id="edit-card-risk" className="small" aria-live="polite">
          {pending && command !== card.command ? (
            <span className="muted">Checking the risk of the edited command…</span>
          ) : (
            verdict &&
            verdict.level !== "safe" &&
            verdict.reasons.length > 0 && (
              <ul className="risk-reasons">
                {verdict.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            )
          )}
        </div>
        <label className="field">
          <span>Description</span>
          <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={2} />
        </label>
        {commandChanged && description === card.description && description && (
          <p className="muted small">The description was written for the previous command; update it if it no longer fits.</p>
        )}
        <ErrorNote error={error} />
        <div className="row end">
          <button type="button" onClick={onCancel} disabled={saving}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={saving || !name.trim() || !command.trim()}>
            {saving ? "Saving…" : "Save changes"}
          </button>
        </div>
      </form>
      {guard}
    </>
  );
}
