// "Save as command card": name, command and description, saved to the command deck.

import { useEffect, useRef, useState } from "react";
import { saveCommandCard } from "../../api/terminal";
import { Spinner } from "../Elapsed";
import { ErrorNote } from "../ErrorNote";

interface Props {
  command: string | null;
  onClose: () => void;
  onSaved: (name: string) => void;
}

function suggestName(command: string): string {
  const words = command.trim().split(/\s+/).slice(0, 3).join(" ");
  return words.length > 60 ? `${words.slice(0, 57)}…` : words;
}

export function SaveCardDialog({ command, onClose, onSaved }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const [name, setName] = useState("");
  const [text, setText] = useState("");
  const [description, setDescription] = useState("");
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (command !== null && !dialog.open) {
      setText(command);
      setName(suggestName(command));
      setDescription("");
      setError(null);
      dialog.showModal();
    } else if (command === null && dialog.open) dialog.close();
  }, [command]);

  async function save(event: React.FormEvent) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const card = await saveCommandCard({ name, command: text, description });
      onSaved(card.name);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  return (
    <dialog ref={ref} className="dialog" onCancel={onClose} aria-label="Save as command card">
      <form onSubmit={save}>
        <h2>Save as command card</h2>
        <label className="field">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} autoFocus />
        </label>
        <label className="field">
          <span>Command</span>
          <textarea className="mono" value={text} onChange={(e) => setText(e.target.value)} required rows={3} />
        </label>
        <label className="field">
          <span>Description (optional)</span>
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <ErrorNote error={error} />
        <div className="row end">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={saving || !name.trim() || !text.trim()}>
            {saving ? <Spinner label="Saving" /> : null} Save card
          </button>
        </div>
      </form>
    </dialog>
  );
}
