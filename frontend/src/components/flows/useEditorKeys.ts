// The editor's keyboard shortcuts: save anywhere; undo/redo and copy/paste of steps only when
// the keys are not meant for a text field (its own undo and copy) or an open dialog.

import { useEffect, useRef } from "react";

export interface EditorKeys {
  save: () => void;
  undo: () => void;
  redo: () => void;
  copy: () => void;
  paste: () => void;
}

function typingInto(target: EventTarget | null): boolean {
  if (typeof HTMLElement === "undefined" || !(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.closest("dialog")) return true;
  return ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/** The action for a key press, or null when the editor should leave it alone. */
export function shortcutFor(e: KeyboardEvent, hasTextSelection: boolean): keyof EditorKeys | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null;
  const key = e.key.toLowerCase();
  if (key === "s") return "save";
  if (typingInto(e.target)) return null;
  if (key === "z") return e.shiftKey ? "redo" : "undo";
  if (key === "y" && !e.shiftKey) return "redo";
  // Copying selected page text (an error message, say) stays the browser's copy.
  if (key === "c" && !e.shiftKey && !hasTextSelection) return "copy";
  if (key === "v" && !e.shiftKey) return "paste";
  return null;
}

export function useEditorKeys(keys: EditorKeys) {
  const latest = useRef(keys);
  latest.current = keys;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const selection = window.getSelection();
      const action = shortcutFor(e, Boolean(selection && !selection.isCollapsed && selection.toString()));
      if (!action) return;
      e.preventDefault();
      latest.current[action]();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}
