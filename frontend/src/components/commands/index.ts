// Reusable pieces of the commands screen (the Architect and the Terminal use RunPanel/RunDialog).

export { RunPanel, StatusBadge } from "./RunPanel";
export { RunDialog } from "./RunDialog";
export { RiskBadge } from "./RiskBadge";
