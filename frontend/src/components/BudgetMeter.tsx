// Today's remaining budget, green → amber → red, or a link to set one (placed on the Architect).

import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { getBudgetStatus } from "../api/ledger";
import { meterColour, todaysBudget } from "./budgetMeterState";
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
  const left = 1 - b.used_fraction;
  const colour = meterColour(b);
  return (
    <Link
      to="/ledger#budgets"
      className={`budget-meter ${colour}`}
      title={`${b.label}: $${b.remaining_usd.toFixed(2)} of $${b.limit_usd.toFixed(2)} left`}
      aria-label={`Budget: $${b.remaining_usd.toFixed(2)} of $${b.limit_usd.toFixed(2)} left today`}
    >
      <span className="budget-meter-track" aria-hidden="true">
        <span style={{ width: `${Math.max(0, left) * 100}%` }} />
      </span>
      <span className="small">${b.remaining_usd.toFixed(2)} left</span>
    </Link>
  );
}
