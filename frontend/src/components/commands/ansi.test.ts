// @vitest-environment node
// Pure logic: the renderer turns text into escaped HTML strings, no DOM needed.
import { describe, expect, it } from "vitest";
import { OutputRenderer } from "./ansi";

describe("OutputRenderer", () => {
  it("renders ANSI colours as spans and escapes HTML in the output", () => {
    const r = new OutputRenderer();
    r.append("stdout", "\u001b[31mred\u001b[0m <img src=x onerror=alert(1)> & done");
    const html = r.segments.map((s) => s.html).join("");
    expect(html).toContain('<span class="ansi-red-fg">red</span>');
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain("<img");
  });

  it("keeps colour state across chunks of one stream and never links OSC 8 URLs", () => {
    const r = new OutputRenderer();
    r.append("stdout", "\u001b[32mgre");
    r.append("stdout", "en\u001b[0m \u001b]8;;javascript:alert(1)\u0007click\u001b]8;;\u0007");
    const html = r.segments.map((s) => s.html).join("");
    expect(html).not.toContain("<a");
    expect(html).not.toContain("javascript:");
    expect((html.match(/<span/g) ?? []).length).toBeGreaterThanOrEqual(2);
  });

  it("drops the oldest output beyond its limit and counts what it dropped", () => {
    const r = new OutputRenderer(100);
    for (let i = 0; i < 10; i++) r.append(i % 2 ? "stderr" : "stdout", "x".repeat(40));
    expect(r.size).toBeLessThanOrEqual(100);
    expect(r.droppedChars).toBe(400 - r.size);
    expect(r.segments.at(-1)?.stream).toBe("stderr");
  });
});
