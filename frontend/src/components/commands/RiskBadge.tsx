// The risk verdict as a badge; the reasons are in its tooltip and screen-reader label, and a
// help button beside it opens the written policy that decides the level.

import type { RiskVerdict } from "../../api/commands";
import { RiskHelp } from "./RiskHelp";

export function RiskBadge({ verdict }: { verdict: RiskVerdict }) {
  const why = verdict.reasons.join("; ");
  return (
    <span className="risk-badge">
      <span className={`badge ${verdict.level}`} title={why || "No risky operation found"} aria-label={`Risk: ${verdict.level}${why ? `: ${why}` : ""}`}>
        {verdict.level}
      </span>
      <RiskHelp />
    </span>
  );
}
