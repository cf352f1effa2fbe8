// The one list of shells Forge knows, for every picker: which of them run commands on this
// machine (cards, one-off runs) and which the Architect writes commands for; the names are the
// server's (commands.models.Shell, architect.prompts.Shell) as the OpenAPI states them.

import type { components } from "./schema.gen";

export type RunShell = components["schemas"]["Card"]["shell"];
export type ArchitectShell = components["schemas"]["Generation"]["shell"];
export type ShellName = RunShell | ArchitectShell;

export interface ShellInfo {
  name: ShellName;
  /** Forge can run a command in it (a card's or a one-off run's shell). */
  runs: boolean;
  /** The Architect can write a command for it. */
  architect: boolean;
}

export const SHELL_LIST: readonly ShellInfo[] = [
  { name: "bash", runs: true, architect: true },
  { name: "zsh", runs: true, architect: true },
  { name: "sh", runs: true, architect: true },
  { name: "dash", runs: true, architect: true },
  { name: "fish", runs: false, architect: true },
  { name: "powershell", runs: false, architect: true },
];

export const RUN_SHELLS = SHELL_LIST.filter((s) => s.runs).map((s) => s.name as RunShell);
export const ARCHITECT_SHELLS = SHELL_LIST.filter((s) => s.architect).map((s) => s.name as ArchitectShell);

export interface ShellOption {
  value: ShellName;
  label: string;
  disabled: boolean;
}

/** Every shell, in one order, for both pickers. A card cannot run fish or PowerShell (listed
 * disabled, saying why); the Architect writes for them, labelled as copy-only. */
export function shellOptions(use: "run" | "architect"): ShellOption[] {
  return SHELL_LIST.map((s) => {
    if (use === "run") {
      return { value: s.name, label: s.runs ? s.name : `${s.name} (the Architect only: Forge does not run it)`, disabled: !s.runs };
    }
    return { value: s.name, label: s.runs ? s.name : `${s.name} (to copy: Forge does not run it)`, disabled: false };
  });
}
