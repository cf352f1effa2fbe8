// @vitest-environment node
import { describe, expect, it } from "vitest";
import { emptyHistory, record, redo, seal, undo, type History } from "./history";

const step = (h: History<string>, current: string, key: string | null = null) => record(h, current, key);

describe("undo history", () => {
  it("undoes and redoes edits in order", () => {
    let h = step(emptyHistory<string>(), "a");
    h = step(h, "b");
    const [h1, shown1] = undo(h, "c") ?? [];
    expect(shown1).toBe("b");
    const [h2, shown2] = undo(h1!, "b") ?? [];
    expect(shown2).toBe("a");
    expect(undo(h2!, "a")).toBeNull();
    const [h3, again] = redo(h2!, "a") ?? [];
    expect(again).toBe("b");
    expect(redo(h3!, "b")?.[1]).toBe("c");
  });

  it("forgets the redo future on a new edit", () => {
    let h = step(step(emptyHistory<string>(), "a"), "b");
    h = undo(h, "c")![0];
    expect(h.future).toEqual(["c"]);
    h = step(h, "b");
    expect(h.future).toEqual([]);
    expect(redo(h, "x")).toBeNull();
  });

  it("joins edits with the same key into one step until sealed", () => {
    let h = step(emptyHistory<string>(), "", "data:a:command");
    h = step(h, "e", "data:a:command");
    h = step(h, "ec", "data:a:command");
    expect(h.past).toEqual([""]);
    h = step(h, "ech", "data:b:command");
    expect(h.past).toEqual(["", "ech"]);
    h = step(seal(h), "echo", "data:b:command");
    expect(h.past).toEqual(["", "ech", "echo"]);
  });

  it("does not record the same state twice (one delete reported as two changes)", () => {
    const state = { nodes: [1], edges: [2] };
    let h = record(emptyHistory<typeof state>(), state);
    h = record(h, state);
    expect(h.past).toHaveLength(1);
  });

  it("keeps at most the limit", () => {
    let h = emptyHistory<number>();
    for (let i = 0; i < 10; i++) h = record(h, i, null, Object.is, 3);
    expect(h.past).toEqual([7, 8, 9]);
  });
});
