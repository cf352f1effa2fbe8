// Reads the command line the user last entered from the terminal buffer (for "Save as command card").

import type { Terminal } from "@xterm/xterm";

/** The logical line containing buffer row `y`, joining soft-wrapped rows. */
export function logicalLineAt(term: Terminal, y: number): string {
  const buffer = term.buffer.active;
  let start = y;
  while (start > 0 && buffer.getLine(start)?.isWrapped) start--;
  const rows: string[] = [];
  for (let row = start; row === start || buffer.getLine(row)?.isWrapped; row++) {
    const line = buffer.getLine(row);
    if (!line) break;
    rows.push(line.translateToString(false));
  }
  return rows.join("").trimEnd();
}

/** Drops a shell prompt such as `user@host:~/src$ ` or `# ` from the start of a line. */
export function stripPrompt(line: string): string {
  // The first prompt-ending character followed by a space ends the prompt.
  const match = /^.*?[$#%>❯»]\s+(.*)$/u.exec(line);
  return (match?.[1] ?? line).trim();
}
