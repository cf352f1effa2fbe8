// The one list of shells Forge knows, for every picker: which of them run commands on this
// machine (cards, one-off runs) and which the Architect writes commands for. Mirrors the
// server's commands.models.Shell and architect.prompts.Shell.

export type RunShell = "bash" | "sh" | "zsh" | "dash";
export type ArchitectShell = "bash" | "zsh" | "fish" | "powershell";
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
  { name: "sh", runs: true, architect: false },
  { name: "dash", runs: true, architect: false },
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

/** Every shell, for a picker of what `use` supports: the others are listed disabled, saying why. */
export function shellOptions(use: "run" | "architect"): ShellOption[] {
  return SHELL_LIST.map((s) => {
    const ok = use === "run" ? s.runs : s.architect;
    const why = use === "run" ? "the Architect only: Forge does not run it" : "runs here; the Architect does not write for it";
    return { value: s.name, label: ok ? s.name : `${s.name} (${why})`, disabled: !ok };
  });
}
