// A button that opens a file picker for one JSON file (card decks, flow definitions).

import { useRef, type ReactNode } from "react";

interface Props {
  /** What the button says; the picker's accessible name is `fileLabel`. */
  children: ReactNode;
  fileLabel: string;
  disabled?: boolean;
  onFile: (file: File) => void;
}

export function ImportFileButton({ children, fileLabel, disabled, onFile }: Props) {
  const fileRef = useRef<HTMLInputElement>(null);
  return (
    <>
      <button onClick={() => fileRef.current?.click()} disabled={disabled}>
        {children}
      </button>
      <input
        ref={fileRef}
        type="file"
        accept="application/json,.json"
        hidden
        aria-label={fileLabel}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = ""; // picking the same file again still fires a change
          if (file) onFile(file);
        }}
      />
    </>
  );
}
