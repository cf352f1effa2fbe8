// Asks what to do with the cards of an import file that are already in the deck.

import { useEffect, useRef } from "react";
import type { DuplicateDetails, OnDuplicate } from "../../api/commands";

interface Props {
  /** The file's name and what the server found; null when closed. */
  found: { file: string; details: DuplicateDetails } | null;
  onChoose: (choice: Exclude<OnDuplicate, "ask">) => void;
  onCancel: () => void;
}

export function ImportDuplicates({ found, onChoose, onCancel }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (found && !dialog.open) dialog.showModal();
    else if (!found && dialog.open) dialog.close();
  }, [found]);
  const d = found?.details;
  const others = d ? d.total - d.duplicates : 0;
  const more = d ? d.duplicates - d.names.length : 0;
  return (
    <dialog ref={ref} className="dialog" onCancel={onCancel} aria-label="Cards already in your deck">
      <h2>Cards already in your deck</h2>
      {d && found && (
        <div className="dialog-body stack">
          <p>
            {d.duplicates} of the {d.total} cards in <code>{found.file}</code> have the same name and command as a card you
            already have{others > 0 ? `; the other ${others} are new and will be added.` : "."}
          </p>
          <ul className="small" aria-label="Cards already in the deck">
            {d.names.map((n, i) => (
              <li key={`${i}-${n}`}>{n}</li>
            ))}
            {more > 0 && <li className="muted">and {more} more</li>}
          </ul>
        </div>
      )}
      <div className="row end import-choices">
        <button onClick={onCancel}>Cancel import</button>
        <button onClick={() => onChoose("keep")}>Add copies</button>
        <button onClick={() => onChoose("replace")}>Replace them</button>
        <button className="primary" onClick={() => onChoose("skip")} autoFocus>
          Skip them
        </button>
      </div>
    </dialog>
  );
}
