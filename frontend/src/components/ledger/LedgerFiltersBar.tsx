// The ledger's filters: period, model, provider, role, flow, user, machine and status (shared by every panel, kept in the URL).

import type { LedgerFilters, LedgerStatus } from "../../api/ledger";

export type Period = "24h" | "7d" | "30d" | "90d" | "all";
export const PERIODS: { value: Period; label: string }[] = [
  { value: "24h", label: "Last 24 hours" },
  { value: "7d", label: "Last 7 days" },
  { value: "30d", label: "Last 30 days" },
  { value: "90d", label: "Last 90 days" },
  { value: "all", label: "All time" },
];

export function periodSince(period: Period, now: number = Date.now()): string | undefined {
  const hours = { "24h": 24, "7d": 168, "30d": 720, "90d": 2160, all: 0 }[period];
  if (!hours) return undefined;
  // Rounded to the minute so the query key (and cache) stays stable between renders.
  const since = Math.floor((now - hours * 3_600_000) / 60_000) * 60_000;
  return new Date(since).toISOString();
}

export interface FilterState {
  period: Period;
  model: string;
  provider: string;
  agent_role: string;
  flow_id: string;
  /** Who made the call and on which machine (team mode: several Forges on one database). */
  user_name: string;
  machine: string;
  status: LedgerStatus | "";
}

export const EMPTY_FILTERS: FilterState = {
  period: "30d",
  model: "",
  provider: "",
  agent_role: "",
  flow_id: "",
  user_name: "",
  machine: "",
  status: "",
};

// The filters live in the URL (?period=7d&model=…), so a filtered view can be linked and reloaded.
const PARAM: Record<Exclude<keyof FilterState, "period">, string> = {
  model: "model",
  provider: "provider",
  agent_role: "role",
  flow_id: "flow",
  user_name: "user",
  machine: "machine",
  status: "status",
};
const STATUSES: readonly string[] = ["SUCCESS", "FAILED", "TIMEOUT"];

export function fromSearch(params: URLSearchParams): FilterState {
  const period = params.get("period");
  const status = params.get("status") ?? "";
  return {
    period: PERIODS.some((p) => p.value === period) ? (period as Period) : EMPTY_FILTERS.period,
    model: params.get(PARAM.model) ?? "",
    provider: params.get(PARAM.provider) ?? "",
    agent_role: params.get(PARAM.agent_role) ?? "",
    flow_id: params.get(PARAM.flow_id) ?? "",
    user_name: params.get(PARAM.user_name) ?? "",
    machine: params.get(PARAM.machine) ?? "",
    status: STATUSES.includes(status) ? (status as LedgerStatus) : "",
  };
}

/** ``params`` with the filter keys replaced by ``state`` (defaults left out); other keys kept. */
export function toSearch(state: FilterState, params: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(params);
  if (state.period === EMPTY_FILTERS.period) next.delete("period");
  else next.set("period", state.period);
  for (const [key, name] of Object.entries(PARAM) as [keyof typeof PARAM, string][]) {
    if (state[key]) next.set(name, state[key]);
    else next.delete(name);
  }
  return next;
}

export function toFilters(state: FilterState, now?: number): LedgerFilters {
  const out: LedgerFilters = {};
  if (state.model) out.model = state.model;
  if (state.provider) out.provider = state.provider;
  if (state.agent_role) out.agent_role = state.agent_role;
  if (state.flow_id) out.flow_id = state.flow_id;
  if (state.user_name) out.user_name = state.user_name;
  if (state.machine) out.machine = state.machine;
  if (state.status) out.status = state.status;
  const since = periodSince(state.period, now);
  if (since) out.since = since;
  return out;
}

interface Props {
  value: FilterState;
  onChange: (next: FilterState) => void;
  options: { models: string[]; providers: string[]; roles: string[]; flows: string[]; users: string[]; machines: string[] };
  /** How a flow id reads in the Flow list (its name). */
  flowLabel?: (flowId: string) => string;
}

export function LedgerFiltersBar({ value, onChange, options, flowLabel }: Props) {
  const set = (patch: Partial<FilterState>) => onChange({ ...value, ...patch });
  const select = (
    key: "model" | "provider" | "agent_role" | "flow_id" | "user_name" | "machine",
    label: string,
    items: string[],
    show: (item: string) => string = (item) => item,
  ) => (
    <label className="field">
      <span>{label}</span>
      <select aria-label={label} value={value[key]} onChange={(e) => set({ [key]: e.target.value })}>
        <option value="">All</option>
        {items.map((item) => (
          <option key={item} value={item}>
            {show(item)}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="ledger-filters" role="search" aria-label="Ledger filters">
      <label className="field">
        <span>Period</span>
        <select aria-label="Period" value={value.period} onChange={(e) => set({ period: e.target.value as Period })}>
          {PERIODS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
      </label>
      {select("model", "Model", options.models)}
      {select("provider", "Provider", options.providers)}
      {select("agent_role", "Role", options.roles)}
      {select("flow_id", "Flow", options.flows, flowLabel)}
      {select("user_name", "User", options.users)}
      {select("machine", "Machine", options.machines)}
      <label className="field">
        <span>Status</span>
        <select
          aria-label="Status"
          value={value.status}
          onChange={(e) => set({ status: e.target.value as LedgerStatus | "" })}
        >
          <option value="">All</option>
          <option value="SUCCESS">Success</option>
          <option value="FAILED">Failed</option>
          <option value="TIMEOUT">Timeout</option>
        </select>
      </label>
      <button className="ledger-reset" onClick={() => onChange(EMPTY_FILTERS)}>
        Reset
      </button>
    </div>
  );
}
