// Recharts views of the summary: cost per day stacked by model, cost by role and flow, latency.

import { useQueries } from "@tanstack/react-query";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { APPROX_TITLE, getSummary, usd, usdAxis, type LedgerFilters, type Summary } from "../../api/ledger";
import { useSummary } from "../../hooks/useLedger";
import { Spinner } from "../Elapsed";
import { ErrorNote } from "../ErrorNote";
import { useFlowNames } from "./flowNames";

const COLORS = ["#6aa7ff", "#f3a53c", "#5fd08a", "#e06c9f", "#b392f0", "#47c6c2", "#d6d65a"];
const MAX_STACKED = 6;
const axis = { stroke: "#8b93a7", fontSize: 12 };

function CostPerDay({ filters, byModel }: { filters: LedgerFilters; byModel: Summary | undefined }) {
  const models = (byModel?.groups ?? []).slice(0, MAX_STACKED).map((g) => g.key ?? "(none)");
  // One day-summary per top model; the rest of the spend shows as "other".
  const perModel = useQueries({
    queries: models.map((m) => ({
      queryKey: ["ledger", "summary", { ...filters, model: m }, "day"],
      queryFn: ({ signal }: { signal: AbortSignal }) => getSummary({ ...filters, model: m }, "day", signal),
    })),
  });
  const all = useSummary(filters, "day");
  if (all.isPending || perModel.some((q) => q.isPending)) return <Spinner label="Loading cost per day" />;
  const rows = new Map<string, Record<string, number | string>>();
  for (const day of all.data?.groups ?? []) rows.set(day.key ?? "", { day: day.key ?? "", other: day.cost_usd });
  perModel.forEach((q, i) => {
    const model = models[i] ?? "";
    for (const day of q.data?.groups ?? []) {
      const row = rows.get(day.key ?? "");
      if (!row) continue;
      row[model] = day.cost_usd;
      row.other = Math.max(0, (row.other as number) - day.cost_usd);
    }
  });
  const data = [...rows.values()];
  const hasOther = data.some((r) => (r.other as number) > 1e-9);
  if (data.length === 0) return <p className="muted">No calls in this period.</p>;
  return (
    <ResponsiveContainer width="100%" height={260}>
      <BarChart data={data} margin={{ left: 8, right: 8 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#2a3040" />
        <XAxis dataKey="day" tick={axis} />
        <YAxis tick={axis} tickFormatter={usdAxis(Math.max(0, ...(all.data?.groups ?? []).map((g) => g.cost_usd)))} width={64} />
        <Tooltip formatter={(v) => usd(Number(v))} contentStyle={{ background: "#161a22", border: "1px solid #2a3040" }} />
        <Legend />
        {models.map((m, i) => (
          <Bar key={m} dataKey={m} stackId="cost" fill={COLORS[i % COLORS.length]} />
        ))}
        {hasOther && <Bar dataKey="other" stackId="cost" fill="#596175" />}
      </BarChart>
    </ResponsiveContainer>
  );
}

type CostDimension = "agent_role" | "flow_id" | "user_name" | "machine";

function CostBy({ filters, groupBy, title }: { filters: LedgerFilters; groupBy: CostDimension; title: string }) {
  const q = useSummary(filters, groupBy);
  const flowName = useFlowNames();
  const label = (key: string | null) => (key === null ? "(none)" : groupBy === "flow_id" ? flowName(key) : key);
  const data = (q.data?.groups ?? []).slice(0, 12).map((g) => ({ name: label(g.key), cost: g.cost_usd, calls: g.calls }));
  return (
    <section className="card ledger-chart" aria-label={title}>
      <h3>{title}</h3>
      <ErrorNote error={q.error} />
      {q.isPending ? (
        <Spinner label={`Loading ${title}`} />
      ) : data.length === 0 ? (
        <p className="muted">No calls in this period.</p>
      ) : (
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={data} layout="vertical" margin={{ left: 8, right: 16 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#2a3040" />
            <XAxis type="number" tick={axis} tickFormatter={usdAxis(Math.max(0, ...data.map((d) => d.cost)))} />
            <YAxis type="category" dataKey="name" tick={axis} width={90} />
            <Tooltip formatter={(v) => usd(Number(v))} contentStyle={{ background: "#161a22", border: "1px solid #2a3040" }} />
            <Bar dataKey="cost" fill="#6aa7ff" />
          </BarChart>
        </ResponsiveContainer>
      )}
    </section>
  );
}

function Latency({ filters }: { filters: LedgerFilters }) {
  const q = useSummary(filters, "day");
  const data = (q.data?.groups ?? []).map((g) => ({ day: g.key, p50: g.latency_p50_ms, p95: g.latency_p95_ms }));
  return (
    <section className="card ledger-chart" aria-label="Latency per day">
      <h3>
        Latency p50 / p95
        {q.data?.percentiles === "approximate" && (
          <span className="muted" title={APPROX_TITLE} aria-label={APPROX_TITLE}>
            {" "}≈
          </span>
        )}
      </h3>
      {data.length === 0 ? (
        <p className="muted">No calls in this period.</p>
      ) : (
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={data} margin={{ left: 8, right: 16 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#2a3040" />
            <XAxis dataKey="day" tick={axis} />
            <YAxis tick={axis} unit=" ms" width={72} />
            <Tooltip contentStyle={{ background: "#161a22", border: "1px solid #2a3040" }} />
            <Legend />
            <Line type="monotone" dataKey="p50" stroke="#5fd08a" dot={false} />
            <Line type="monotone" dataKey="p95" stroke="#f3a53c" dot={false} />
          </LineChart>
        </ResponsiveContainer>
      )}
    </section>
  );
}

export default function LedgerCharts({ filters, byModel }: { filters: LedgerFilters; byModel: Summary | undefined }) {
  return (
    <div className="ledger-charts">
      <section className="card ledger-chart wide" aria-label="Cost per day by model">
        <h3>Cost per day, by model</h3>
        <CostPerDay filters={filters} byModel={byModel} />
      </section>
      <CostBy filters={filters} groupBy="agent_role" title="Cost by agent role" />
      <CostBy filters={filters} groupBy="flow_id" title="Cost by flow" />
      <CostBy filters={filters} groupBy="user_name" title="Cost by user" />
      <CostBy filters={filters} groupBy="machine" title="Cost by machine" />
      <Latency filters={filters} />
    </div>
  );
}
