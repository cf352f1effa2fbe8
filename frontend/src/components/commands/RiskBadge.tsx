// The risk verdict as a badge; the reasons are in its tooltip and screen-reader label.

import type { RiskVerdict } from "../../api/commands";

export function RiskBadge({ verdict }: { verdict: RiskVerdict }) {
  const why = verdict.reasons.join("; ");
  return (
    <span className={`badge ${verdict.level}`} title={why || "No risky operation found"} aria-label={`Risk: ${verdict.level}${why ? `: ${why}` : ""}`}>
      {verdict.level}
    </span>
  );
}
