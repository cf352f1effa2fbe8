// Inline edit of the stored card's name, command and description (PUT /api/commands/{id}).

import { useState, type FormEvent } from "react";
import { updateCard, type ArchitectCard } from "../../api/architect";
import { ErrorNote } from "../ErrorNote";

interface Props {
  card: ArchitectCard;
  onSaved: (card: ArchitectCard) => void;
  onCancel: () => void;
}

export function EditCardForm({ card, onSaved, onCancel }: Props) {
  const [name, setName] = useState(card.name);
  const [command, setCommand] = useState(card.command);
  const [description, setDescription] = useState(card.description);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

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
        />
      </label>
      <label className="field">
        <span>Description</span>
        <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={2} />
      </label>
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
  );
}
