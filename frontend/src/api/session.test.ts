import { describe, expect, it } from "vitest";
import { secretFromHash } from "./session";

describe("secretFromHash", () => {
  it("reads the login redirect's fragment", () => {
    expect(secretFromHash("#forge-session=abc_DEF-123")).toBe("abc_DEF-123");
  });

  it("ignores other fragments and an empty secret", () => {
    expect(secretFromHash("#sessions-heading")).toBeNull();
    expect(secretFromHash("#forge-session=")).toBeNull();
    expect(secretFromHash("")).toBeNull();
  });
});
