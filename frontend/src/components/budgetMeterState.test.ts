// @vitest-environment node
// The budget meter picks today's tightest budget and turns amber, then red, as it runs out.
import { describe, expect, it } from "vitest";
import type { BudgetState } from "../api/ledger";
import { meterColour, todaysBudget } from "./budgetMeterState";

function state(id: number, period: "day" | "month", limit: number, spent: number, level: BudgetState["level"] = "ok"): BudgetState {
  return {
    budget: { id, scope: "global", target: null, period, limit_usd: limit, soft_limit_usd: null, hard: true },
    label: `budget ${id}`,
    period_start: "",
    resets_at: "",
    limit_usd: limit,
    soft_limit_usd: null,
    spent_usd: spent,
    reserved_usd: 0,
    remaining_usd: limit - spent,
    average_call_usd: null,
    remaining_calls: null,
    used_fraction: spent / limit,
    level,
  };
}

describe("budget meter", () => {
  it("has nothing to show without budgets", () => {
    expect(todaysBudget([])).toBeNull();
  });

  it("prefers today's budgets and the one with the least left", () => {
    const picked = todaysBudget([state(1, "month", 100, 99.9), state(2, "day", 10, 2), state(3, "day", 5, 4)]);
    expect(picked?.budget.id).toBe(3);
    expect(todaysBudget([state(4, "month", 100, 10)])?.budget.id).toBe(4);
  });

  it("goes green → amber → red", () => {
    expect(meterColour(state(1, "day", 10, 2))).toBe("green");
    expect(meterColour(state(1, "day", 10, 7.5))).toBe("amber");
    expect(meterColour(state(1, "day", 10, 1, "warn"))).toBe("amber");
    expect(meterColour(state(1, "day", 10, 9.5))).toBe("red");
    expect(meterColour(state(1, "day", 10, 1, "exceeded"))).toBe("red");
  });
});
