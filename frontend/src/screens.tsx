// The app's screens. A screen is listed (and shown in the navigation) only once its feature works.

import type { ComponentType, LazyExoticComponent } from "react";

export interface Screen {
  path: string;
  label: string;
  /** One line for the navigation tooltip and the welcome page. */
  summary: string;
  component: LazyExoticComponent<ComponentType>;
}

// Each entry: { path: "/architect", label: "Architect", summary: "...", component: lazy(() => import("./pages/ArchitectPage")) }
export const screens: Screen[] = [];
