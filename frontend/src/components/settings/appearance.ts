// Appearance preferences (font size, density, motion): non-secret, kept in localStorage and
// applied to <html> at start-up and whenever they change.

import "./appearance.css";

export type Density = "comfortable" | "compact";
export type Motion = "system" | "reduce" | "full";

export interface Appearance {
  fontSize: number;
  density: Density;
  motion: Motion;
}

export const STORAGE_KEY = "forge.appearance";
export const FONT_SIZES = [13, 14, 15, 16, 17, 19] as const;
export const DEFAULT_APPEARANCE: Appearance = { fontSize: 15, density: "comfortable", motion: "system" };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

type Store = Pick<Storage, "getItem" | "setItem">;

export function loadAppearance(storage: Store = window.localStorage): Appearance {
  let raw: unknown = null;
  try {
    raw = JSON.parse(storage.getItem(STORAGE_KEY) ?? "null");
  } catch {
    // Unreadable or blocked storage: the defaults are the right answer.
  }
  if (!isObject(raw)) return { ...DEFAULT_APPEARANCE };
  const fontSize = (FONT_SIZES as readonly number[]).includes(raw.fontSize as number)
    ? (raw.fontSize as number)
    : DEFAULT_APPEARANCE.fontSize;
  const density: Density = raw.density === "compact" ? "compact" : "comfortable";
  const motion: Motion = raw.motion === "reduce" || raw.motion === "full" ? raw.motion : "system";
  return { fontSize, density, motion };
}

export function applyAppearance(a: Appearance, root: HTMLElement = document.documentElement): void {
  root.style.fontSize = `${a.fontSize}px`;
  root.dataset.density = a.density;
  root.dataset.motion = a.motion;
}

export function saveAppearance(
  a: Appearance,
  storage: Store = window.localStorage,
  root: HTMLElement = document.documentElement,
): void {
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify(a));
  } catch {
    // Private mode or a full quota: the change still applies to this tab.
  }
  applyAppearance(a, root);
}

export function applyStoredAppearance(
  storage: Store = window.localStorage,
  root: HTMLElement = document.documentElement,
): void {
  applyAppearance(loadAppearance(storage), root);
}
