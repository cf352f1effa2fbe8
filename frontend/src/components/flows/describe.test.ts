// @vitest-environment node
// Pure logic: no DOM needed.
import { describe, expect, it } from "vitest";
import { formatCost, summarize } from "./describe";

describe("node summaries", () => {
  it("reads a condition the way the engine evaluates it", () => {
    expect(summarize("condition", { kind: "exit_code", source: "build", operator: "ne", value: "0" })).toBe(
      "build exit code != 0",
    );
    expect(summarize("condition", { kind: "json", source: "plan", path: "score", operator: "ge", value: 7, negate: true })).toBe(
      "not plan.json.score >= 7",
    );
  });

  it("prefers a command card over an empty command and says when nothing is set", () => {
    expect(summarize("shell", { card_id: 4 })).toBe("card #4");
    expect(summarize("shell", {})).toBe("no command yet");
    expect(summarize("llm", { prompt: "Review\nthis", agent_role: "reviewer" })).toBe("reviewer: Review");
  });
});

describe("formatCost", () => {
  it("keeps tiny per-call costs readable", () => {
    expect(formatCost(0.000036)).toBe("$0.000036");
    expect(formatCost(0.0012)).toBe("$0.0012");
    expect(formatCost(1.5)).toBe("$1.50");
    expect(formatCost(0)).toBe("$0");
    expect(formatCost(null)).toBe("—");
  });
});
