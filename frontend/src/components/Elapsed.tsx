// A spinner with elapsed time, for every long operation.

import { useEffect, useState } from "react";

export function Spinner({ label }: { label?: string }) {
  return <span className="spinner" role="progressbar" aria-label={label ?? "Working"} />;
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m ${Math.round((ms % 60_000) / 1000)}s`;
}

export function Elapsed({ since, label }: { since: number; label?: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), 100);
    return () => window.clearInterval(id);
  }, []);
  return (
    <span className="elapsed">
      <Spinner label={label} /> {label ? `${label} ` : ""}
      {formatMs(now - since)}
    </span>
  );
}
