import { describe, expect, it } from "vitest";
import { ApiError, call, callEmpty, errorFrom, queryString } from "./client";

const failed = (status: number, error: unknown) => Promise.resolve({ error, response: new Response(null, { status }) });

describe("the typed client's answers", () => {
  it("throws the one error shape as ApiError with its code, message and details", async () => {
    const body = { error: { code: "needs_confirmation", message: "Confirm it", details: { level: "dangerous" } } };
    const err = await call(failed(409, body)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 409, code: "needs_confirmation", message: "Confirm it", details: { level: "dangerous" } });
  });

  it("says HTTP status for a body that is not the error shape (a proxy page, say)", () => {
    expect(errorFrom(502, "<html>Bad gateway</html>")).toMatchObject({ status: 502, code: "http_error" });
    expect(errorFrom(500, { error: "text" })).toMatchObject({ code: "http_error" });
  });

  it("returns the body of a success and nothing for a 204", async () => {
    const ok = Promise.resolve({ data: { id: 3 }, response: new Response("{}", { status: 200 }) });
    await expect(call(ok)).resolves.toEqual({ id: 3 });
    await expect(callEmpty(Promise.resolve({ response: new Response(null, { status: 204 }) }))).resolves.toBeUndefined();
    await expect(callEmpty(failed(404, { error: { code: "not_found", message: "No card 9" } }))).rejects.toMatchObject({
      code: "not_found",
    });
  });
});

describe("queryString", () => {
  it("leaves out unset filters and repeats a list's key", () => {
    expect(queryString({ q: "", tag: undefined, flow_id: null, limit: 50, status: ["failed", "cancelled"] })).toBe(
      "limit=50&status=failed&status=cancelled",
    );
    expect(queryString({ include_archived: true, model: "a b" })).toBe("include_archived=true&model=a+b");
  });
});
