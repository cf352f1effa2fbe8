// Today's budget on the Architect: the used share (green → amber → red), or a link to set one.

import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { getBudgetStatus } from "../api/ledger";
import { meterColour, todaysBudget, usedShare } from "./budgetMeterState";
import "./BudgetMeter.css";

export default function BudgetMeter() {
  const q = useQuery({ queryKey: ["budgets", "status"], queryFn: getBudgetStatus, refetchInterval: 30_000, meta: { silent: true } });
  if (q.isPending || q.isError) return null;
  const b = todaysBudget(q.data.budgets);
  if (!b) {
    return (
      <Link to="/ledger#budgets" className="budget-meter none small">
        No budget set
      </Link>
    );
  }
  const share = usedShare(b);
  return (
    <Link to="/ledger#budgets" className={`budget-meter ${meterColour(b)}`} title={`${b.label}: ${share.text}`}>
      <span
        className="budget-meter-track"
        role="progressbar"
        aria-label={`${b.label} used`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={share.percent}
      >
        <span style={{ width: `${share.fraction * 100}%` }} />
      </span>
      <span className="small">{share.text}</span>
    </Link>
  );
}
