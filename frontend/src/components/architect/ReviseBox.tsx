// Feedback for a revision; the revised suggestion is stored as a new card (optionally replacing).

import { useState, type FormEvent, type KeyboardEvent } from "react";

interface Props {
  cardId: number;
  busy: boolean;
  onRevise: (feedback: string, replace: boolean) => void;
  onCancel: () => void;
}

export function ReviseBox({ cardId, busy, onRevise, onCancel }: Props) {
  const [feedback, setFeedback] = useState("");
  const [replace, setReplace] = useState(true);

  function submit(e?: FormEvent) {
    e?.preventDefault();
    if (feedback.trim() && !busy) onRevise(feedback.trim(), replace);
  }
  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) submit();
  }

  return (
    <form className="stack revise-box" onSubmit={submit} aria-label="Revise suggestion">
      <label className="field">
        <span>What should change?</span>
        <textarea
          value={feedback}
          onChange={(e) => setFeedback(e.target.value)}
          onKeyDown={onKeyDown}
          placeholder="e.g. only files modified in the last week, and skip node_modules"
          rows={2}
          autoFocus
        />
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} />
        <span>
          Replace card #{cardId} with the revision (unchecked: keep both in Commands)
        </span>
      </label>
      <div className="row end">
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy || !feedback.trim()}>
          Revise
        </button>
      </div>
    </form>
  );
}
