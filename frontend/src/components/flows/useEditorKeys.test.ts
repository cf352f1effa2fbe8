// @vitest-environment node
// The key-to-action mapping (the browser tests cover focus in text fields and dialogs).
import { describe, expect, it } from "vitest";
import { shortcutFor } from "./useEditorKeys";

const key = (k: string, mods: Partial<Record<"ctrlKey" | "metaKey" | "shiftKey" | "altKey", boolean>> = {}) =>
  ({ key: k, target: null, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods }) as unknown as KeyboardEvent;

describe("editor shortcuts", () => {
  it("maps Ctrl and Cmd chords to actions", () => {
    expect(shortcutFor(key("s", { ctrlKey: true }), false)).toBe("save");
    expect(shortcutFor(key("z", { ctrlKey: true }), false)).toBe("undo");
    expect(shortcutFor(key("Z", { ctrlKey: true, shiftKey: true }), false)).toBe("redo");
    expect(shortcutFor(key("y", { ctrlKey: true }), false)).toBe("redo");
    expect(shortcutFor(key("z", { metaKey: true }), false)).toBe("undo");
    expect(shortcutFor(key("c", { ctrlKey: true }), false)).toBe("copy");
    expect(shortcutFor(key("v", { metaKey: true }), false)).toBe("paste");
  });

  it("leaves plain keys, Alt chords and copying selected text alone", () => {
    expect(shortcutFor(key("z"), false)).toBeNull();
    expect(shortcutFor(key("z", { ctrlKey: true, altKey: true }), false)).toBeNull();
    expect(shortcutFor(key("c", { ctrlKey: true }), true)).toBeNull();
    expect(shortcutFor(key("x", { ctrlKey: true }), false)).toBeNull();
  });
});
