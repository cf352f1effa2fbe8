// Undo/redo over editor snapshots: a bounded past, a future cleared by any new edit, and
// coalescing so that typing into one field (or nudging a node with the arrows) is one step.

export interface History<T> {
  past: T[];
  future: T[];
  /** The coalescing key of the last recorded edit; the same key again adds no new step. */
  key: string | null;
}

export const HISTORY_LIMIT = 100;

export function emptyHistory<T>(): History<T> {
  return { past: [], future: [], key: null };
}

/**
 * Records `current` (the state just before an edit) as a step to return to. An edit with the
 * same non-null `key` as the previous one joins that step; a state equal to the last recorded
 * one is not recorded twice (React Flow reports one delete as a node change and an edge change).
 */
export function record<T>(
  h: History<T>,
  current: T,
  key: string | null = null,
  same: (a: T, b: T) => boolean = Object.is,
  limit = HISTORY_LIMIT,
): History<T> {
  if (key !== null && key === h.key) return h.future.length ? { ...h, future: [] } : h;
  const top = h.past[h.past.length - 1];
  if (top !== undefined && same(top, current)) return { past: h.past, future: [], key };
  return { past: [...h.past, current].slice(-limit), future: [], key };
}

/** Steps back: answers the new history and the state to show, or null with nothing to undo. */
export function undo<T>(h: History<T>, current: T): [History<T>, T] | null {
  const prev = h.past[h.past.length - 1];
  if (prev === undefined) return null;
  return [{ past: h.past.slice(0, -1), future: [current, ...h.future], key: null }, prev];
}

export function redo<T>(h: History<T>, current: T): [History<T>, T] | null {
  const next = h.future[0];
  if (next === undefined) return null;
  return [{ past: [...h.past, current], future: h.future.slice(1), key: null }, next];
}

/** Ends coalescing, so the next edit starts a new step even with the same key. */
export function seal<T>(h: History<T>): History<T> {
  return h.key === null ? h : { ...h, key: null };
}
