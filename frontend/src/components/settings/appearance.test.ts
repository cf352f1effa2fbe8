// @vitest-environment node
// Preferences survive a restart and bad storage never breaks start-up (fake storage and <html>).
import { describe, expect, it } from "vitest";
import {
  applyStoredAppearance,
  DEFAULT_APPEARANCE,
  loadAppearance,
  saveAppearance,
  STORAGE_KEY,
} from "./appearance";

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  };
}

function fakeRoot() {
  return { style: { fontSize: "" }, dataset: {} as Record<string, string> } as unknown as HTMLElement;
}

describe("appearance preferences", () => {
  it("falls back to defaults for missing, tampered or unparsable storage", () => {
    expect(loadAppearance(memoryStorage())).toEqual(DEFAULT_APPEARANCE);
    const tampered = memoryStorage({ [STORAGE_KEY]: JSON.stringify({ fontSize: 99, density: "huge", motion: 3 }) });
    expect(loadAppearance(tampered)).toEqual(DEFAULT_APPEARANCE);
    expect(loadAppearance(memoryStorage({ [STORAGE_KEY]: "{not json" }))).toEqual(DEFAULT_APPEARANCE);
  });

  it("saves, then applies the saved values to <html> on the next start", () => {
    const storage = memoryStorage();
    saveAppearance({ fontSize: 19, density: "compact", motion: "reduce" }, storage, fakeRoot());
    const root = fakeRoot();
    applyStoredAppearance(storage, root);
    expect(root.style.fontSize).toBe("19px");
    expect(root.dataset.density).toBe("compact");
    expect(root.dataset.motion).toBe("reduce");
  });

  it("keeps applying the change when storage refuses to save", () => {
    const full = { getItem: () => null, setItem: () => { throw new Error("QuotaExceededError"); } };
    const root = fakeRoot();
    saveAppearance({ fontSize: 13, density: "comfortable", motion: "full" }, full, root);
    expect(root.style.fontSize).toBe("13px");
  });
});
