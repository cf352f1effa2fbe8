// The app's screens. A screen is listed (and shown in the navigation) only once its feature works.

import { lazy, type ComponentType, type LazyExoticComponent } from "react";

export interface Screen {
  path: string;
  label: string;
  /** One line for the navigation tooltip and the welcome page. */
  summary: string;
  component: LazyExoticComponent<ComponentType>;
}

// Each entry: { path: "/architect", label: "Architect", summary: "...", component: lazy(() => import("./pages/ArchitectPage")) }
export const screens: Screen[] = [
  {
    path: "/architect",
    label: "Architect",
    summary: "Describe a task; get one explained shell command, saved as a card.",
    component: lazy(() => import("./pages/ArchitectPage")),
  },
  {
    path: "/commands",
    label: "Commands",
    summary: "Your deck of reusable commands: risk-checked, run with one click, output live.",
    component: lazy(() => import("./pages/CommandsPage")),
  },
  {
    path: "/flows",
    label: "Flows",
    summary: "Design shell and LLM steps as a graph, run them in parallel, watch every step live.",
    component: lazy(() => import("./pages/FlowsPage")),
  },
  {
    path: "/ledger",
    label: "Ledger",
    summary: "Every LLM call's tokens, cost and latency; budgets that hold; savings you can apply.",
    component: lazy(() => import("./pages/LedgerPage")),
  },
  {
    path: "/terminal",
    label: "Terminal",
    summary: "Your shell in the browser, in tabs, surviving reloads; save a line as a command card.",
    component: lazy(() => import("./pages/TerminalPage")),
  },
  {
    path: "/settings",
    label: "Settings",
    summary: "API keys (stored safely, never shown again), providers, local servers, roles, appearance.",
    component: lazy(() => import("./pages/SettingsPage")),
  },
];
