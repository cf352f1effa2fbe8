import { describe, expect, it } from "vitest";
import { EMPTY_FILTERS, fromSearch, toSearch } from "./LedgerFiltersBar";

describe("ledger filters in the URL", () => {
  it("round-trips every filter and leaves the defaults out", () => {
    const state = { ...EMPTY_FILTERS, period: "7d" as const, model: "gpt-6.2-sol", flow_id: "3", status: "FAILED" as const };
    const params = toSearch(state, new URLSearchParams("call=12"));
    expect(params.toString()).toBe("call=12&period=7d&model=gpt-6.2-sol&flow=3&status=FAILED");
    expect(fromSearch(params)).toEqual(state);
    expect(toSearch(EMPTY_FILTERS, params).toString()).toBe("call=12");
  });
  it("keeps who made the calls: user and machine", () => {
    const state = { ...EMPTY_FILTERS, user_name: "alice", machine: "build-box" };
    const params = toSearch(state, new URLSearchParams());
    expect(params.toString()).toBe("user=alice&machine=build-box");
    expect(fromSearch(params)).toEqual(state);
  });
  it("ignores values that are not filters", () => {
    expect(fromSearch(new URLSearchParams("period=1y&status=MAYBE"))).toEqual(EMPTY_FILTERS);
  });
});
