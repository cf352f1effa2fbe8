import { describe, expect, it } from "vitest";
import { usdAxis, usdTick } from "./ledger";

describe("money axis ticks", () => {
  it("reads like money, with as many decimals as the step needs", () => {
    expect(usdTick(0, 0.002)).toBe("$0");
    expect(usdTick(0.005, 0.002)).toBe("$0.005");
    expect(usdTick(0.01, 0.002)).toBe("$0.01");
    expect(usdTick(1.2, 0.5)).toBe("$1.20");
    expect(usdTick(15, 5)).toBe("$15");
    expect(usdTick(0.000002, 0.000001)).toBe("$0.000002");
  });
  it("never prints six zeros for an ordinary axis", () => {
    const f = usdAxis(0.021);
    expect([0, 0.005, 0.01, 0.015, 0.02].map(f)).toEqual(["$0", "$0.005", "$0.01", "$0.015", "$0.02"]);
  });
});
