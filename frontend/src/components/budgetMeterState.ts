// Which budget the meter shows (today's tightest) and its colour; pure, so it is unit-tested.

import type { BudgetState } from "../api/ledger";

export type MeterColour = "green" | "amber" | "red";

/** The tightest of today's budgets (the one with the least left), else of any period. */
export function todaysBudget(budgets: BudgetState[]): BudgetState | null {
  const daily = budgets.filter((b) => b.budget.period === "day");
  const pool = daily.length ? daily : budgets;
  return pool.reduce<BudgetState | null>((best, b) => (best === null || b.remaining_usd < best.remaining_usd ? b : best), null);
}

export function meterColour(b: BudgetState): MeterColour {
  const left = 1 - b.used_fraction;
  if (b.level === "exceeded" || left <= 0.1) return "red";
  if (b.level === "warn" || left <= 0.3) return "amber";
  return "green";
}
