import { describe, expect, it } from "vitest";
import { ROLE_NAME_PATTERN, slugRoleName } from "./settings";

describe("slugRoleName", () => {
  it("turns what people type into a valid role name", () => {
    expect(slugRoleName("doc writer")).toBe("doc-writer");
    expect(slugRoleName("  Doc   Writer! ")).toBe("doc-writer");
    expect(slugRoleName("sql_expert")).toBe("sql_expert");
    expect(slugRoleName("Résumé writer")).toBe("resume-writer");
  });

  it("leaves names the rule cannot accept invalid, so the rule is shown", () => {
    for (const typed of ["1st writer", "", "---", "  "]) {
      expect(ROLE_NAME_PATTERN.test(slugRoleName(typed))).toBe(false);
    }
  });
});
