// Timeline geometry: one row per node, bars from start to finish on a shared time axis.

import type { NodeRun, NodeRunStatus } from "../../api/flows";

export interface TimelineRow {
  nodeId: string;
  status: NodeRunStatus;
  /** null when the node never started (pending, skipped, cancelled before start). */
  bar: { startMs: number; endMs: number; left: number; width: number; open: boolean } | null;
}

export interface TimelineModel {
  rows: TimelineRow[];
  totalMs: number;
  ticks: { ms: number; left: number }[];
  /** Largest number of nodes running at the same moment: parallelism made explicit. */
  peakParallel: number;
}

const parse = (iso: string | null | undefined): number | null => {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

function niceStep(total: number, maxTicks: number): number {
  const raw = total / Math.max(1, maxTicks);
  const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

/**
 * Lays out bars as fractions (0–1) of the axis. A node still running extends to `now`.
 * Rows follow `order` (the canvas order) so the chart reads like the graph.
 */
export function buildTimeline(
  nodes: NodeRun[],
  order: string[],
  now: number,
  runStartedAt?: string | null,
  maxTicks = 6,
): TimelineModel {
  const byId = new Map(nodes.map((n) => [n.node_id, n]));
  const ids = [...order.filter((id) => byId.has(id)), ...nodes.map((n) => n.node_id).filter((id) => !order.includes(id))];
  const spans = ids.map((id) => {
    const n = byId.get(id) as NodeRun;
    const start = parse(n.started_at);
    const finished = parse(n.finished_at);
    const end = start === null ? null : (finished ?? Math.max(now, start));
    return { n, start, end, open: start !== null && finished === null };
  });
  const starts = spans.flatMap((s) => (s.start === null ? [] : [s.start]));
  const origin = parse(runStartedAt) ?? (starts.length ? Math.min(...starts) : now);
  const last = Math.max(origin + 1, ...spans.flatMap((s) => (s.end === null ? [] : [s.end])));
  const totalMs = last - origin;

  const rows: TimelineRow[] = spans.map(({ n, start, end, open }) => ({
    nodeId: n.node_id,
    status: n.status,
    bar:
      start === null || end === null
        ? null
        : {
            startMs: start - origin,
            endMs: end - origin,
            left: (start - origin) / totalMs,
            // A bar stays visible even for an instant step.
            width: Math.max((end - start) / totalMs, 0.004),
            open,
          },
  }));

  const step = niceStep(totalMs, maxTicks);
  const ticks: TimelineModel["ticks"] = [];
  for (let ms = 0; ms <= totalMs; ms += step) ticks.push({ ms, left: ms / totalMs });

  return { rows, totalMs, ticks, peakParallel: peakOverlap(rows) };
}

export function peakOverlap(rows: TimelineRow[]): number {
  const points: [number, number][] = [];
  for (const r of rows) {
    if (!r.bar) continue;
    points.push([r.bar.startMs, 1], [r.bar.endMs, -1]);
  }
  // Ends sort before starts at the same instant: back-to-back steps are not parallel.
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let peak = 0;
  for (const [, d] of points) {
    cur += d;
    peak = Math.max(peak, cur);
  }
  return peak;
}
