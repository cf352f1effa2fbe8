// Which budget the meter shows (today's tightest), how full it is and its colour; pure, so it
// is unit-tested. The Architect's meter and the Ledger's bars share these: both fill with the
// USED share and read "$x of $y used", so the same budget looks the same on both screens.

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

/** Dollars to the micro-dollar with trailing zeros dropped (at least cents): a $0.033 limit
 *  reads "$0.033", never a rounded "$0.03"; $5 reads "$5.00". */
export function budgetUsd(value: number): string {
  const [whole, frac = ""] = Math.abs(value).toFixed(6).split(".");
  const digits = frac.replace(/0+$/, "").padEnd(2, "0");
  return `${value < 0 ? "-" : ""}$${Number(whole).toLocaleString("en-US")}.${digits}`;
}

export interface UsedShare {
  /** 0..1 of the limit spent or held by calls in flight. */
  fraction: number;
  /** Whole percent, as the progress bars announce it. */
  percent: number;
  /** "$x of $y used". */
  text: string;
}

export function usedShare(b: BudgetState): UsedShare {
  const fraction = Math.min(1, Math.max(0, b.used_fraction));
  return {
    fraction,
    percent: Math.round(fraction * 100),
    text: `${budgetUsd(b.spent_usd + b.reserved_usd)} of ${budgetUsd(b.limit_usd)} used`,
  };
}

/** A typed limit in dollars: any positive amount, sub-cent included; null when it is not one. */
export function parseLimit(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d*\.?\d+$|^\d+\.$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isFinite(value) && value > 0 ? value : null;
}
