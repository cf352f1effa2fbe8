// @vitest-environment node
// The budget meter picks today's tightest budget, fills with the used share ("$x of $y used",
// the same on the Architect and the Ledger) and turns amber, then red, as it runs out.
import { describe, expect, it } from "vitest";
import type { BudgetState } from "../api/ledger";
import { budgetUsd, meterColour, parseLimit, todaysBudget, usedShare } from "./budgetMeterState";

function state(id: number, period: "day" | "month", limit: number, spent: number, level: BudgetState["level"] = "ok", reserved = 0): BudgetState {
  return {
    budget: { id, scope: "global", target: null, period, limit_usd: limit, soft_limit_usd: null, hard: true },
    label: `budget ${id}`,
    period_start: "",
    resets_at: "",
    limit_usd: limit,
    soft_limit_usd: null,
    spent_usd: spent,
    reserved_usd: reserved,
    remaining_usd: limit - spent - reserved,
    average_call_usd: null,
    remaining_calls: null,
    used_fraction: Math.min(1, (spent + reserved) / limit),
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

  it("fills with the used share and says how much of the limit is used", () => {
    // $0.021 spent and $0.002 held by a call in flight, of a $0.033 limit.
    const share = usedShare(state(1, "day", 0.033, 0.021, "ok", 0.002));
    expect(share.text).toBe("$0.023 of $0.033 used");
    expect(share.percent).toBe(70);
    expect(share.fraction).toBeCloseTo(0.023 / 0.033, 6);
    const over = usedShare(state(2, "day", 5, 5.5, "exceeded"));
    expect([over.fraction, over.percent, over.text]).toEqual([1, 100, "$5.50 of $5.00 used"]);
  });

  it("shows sub-cent amounts exactly, never rounded to cents", () => {
    expect(budgetUsd(0.033)).toBe("$0.033");
    expect(budgetUsd(5)).toBe("$5.00");
    expect(budgetUsd(1234.5)).toBe("$1,234.50");
    expect(budgetUsd(0.021000000000000001)).toBe("$0.021");
    expect(budgetUsd(0.0000004)).toBe("$0.00");
  });

  it("accepts any positive dollar amount as a limit", () => {
    expect(parseLimit("0.033")).toBe(0.033);
    expect(parseLimit(" 12 ")).toBe(12);
    expect(parseLimit(".5")).toBe(0.5);
    for (const bad of ["", "0", "0.000", "-1", "1e3", "abc", "0,033", "1.2.3"]) expect(parseLimit(bad)).toBeNull();
  });
});
