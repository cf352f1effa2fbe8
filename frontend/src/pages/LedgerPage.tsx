// The token ledger: totals, charts, calls, budgets, optimizer suggestions and what-if repricing.

import { useMemo, useState } from "react";
import { ticketedDownload } from "../api/client";
import { APPROX_TITLE, exportUrl, tokens, usd, type LedgerFilters } from "../api/ledger";
import { BudgetsPanel } from "../components/ledger/BudgetsPanel";
import LedgerCharts from "../components/ledger/LedgerCharts";
import { EMPTY_FILTERS, LedgerFiltersBar, toFilters, type FilterState } from "../components/ledger/LedgerFiltersBar";
import { LedgerTable } from "../components/ledger/LedgerTable";
import { SuggestionsPanel } from "../components/ledger/SuggestionsPanel";
import { WhatIfPanel } from "../components/ledger/WhatIfPanel";
import { Spinner } from "../components/Elapsed";
import { ErrorNote } from "../components/ErrorNote";
import { useSummary } from "../hooks/useLedger";
import "./ledger.css";

function keys(groups: { key: string | null }[] | undefined): string[] {
  return (groups ?? []).map((g) => g.key).filter((k): k is string => k !== null);
}

function useFilterOptions(period: LedgerFilters) {
  const models = useSummary(period, "model");
  const providers = useSummary(period, "provider");
  const roles = useSummary(period, "agent_role");
  const flows = useSummary(period, "flow_id");
  return {
    models: keys(models.data?.groups),
    providers: keys(providers.data?.groups),
    roles: keys(roles.data?.groups),
    flows: keys(flows.data?.groups),
  };
}

export default function LedgerPage() {
  const [state, setState] = useState<FilterState>(EMPTY_FILTERS);
  // The period's start is fixed when the filters change, so every panel shares one query key.
  const filters = useMemo(() => toFilters(state), [state]);
  const periodOnly = useMemo(() => toFilters({ ...EMPTY_FILTERS, period: state.period }), [state.period]);
  const options = useFilterOptions(periodOnly);
  const byModel = useSummary(filters, "model");
  const t = byModel.data?.totals;
  return (
    <div className="page ledger-page">
      <header className="row between wrap">
        <div>
          <h1>Ledger</h1>
          <p className="muted">Every LLM call with its tokens, cost and latency. Where the money goes, and how to spend less.</p>
        </div>
        <div className="row wrap">
          <a className="button" href={exportUrl(filters, "csv")} download onClick={ticketedDownload}>
            Export CSV
          </a>
          <a className="button" href={exportUrl(filters, "jsonl")} download onClick={ticketedDownload}>
            Export JSONL
          </a>
        </div>
      </header>
      <LedgerFiltersBar value={state} onChange={setState} options={options} />
      <ErrorNote error={byModel.error} />
      <section className="ledger-totals" aria-label="Totals">
        {t ? (
          <>
            <div className="card stat">
              <span className="small muted">Cost</span>
              <strong data-testid="total-cost">{usd(t.cost_usd)}</strong>
            </div>
            <div className="card stat">
              <span className="small muted">Tokens in / out</span>
              <strong>
                {tokens(t.input_tokens)} / {tokens(t.output_tokens)}
              </strong>
            </div>
            <div className="card stat">
              <span className="small muted">Calls</span>
              <strong data-testid="total-calls">{t.calls}</strong>
            </div>
            <div className="card stat">
              <span className="small muted">Failures / timeouts</span>
              <strong className={t.failures + t.timeouts ? "bad-text" : ""}>
                {t.failures} / {t.timeouts}
              </strong>
            </div>
            <div className="card stat">
              <span className="small muted">Latency p50 / p95</span>
              <strong>
                {byModel.data?.percentiles === "approximate" && (
                  <span title={APPROX_TITLE} aria-label={APPROX_TITLE}>
                    ≈{" "}
                  </span>
                )}
                {t.latency_p50_ms ?? "—"} / {t.latency_p95_ms ?? "—"} ms
              </strong>
            </div>
          </>
        ) : (
          <Spinner label="Loading totals" />
        )}
      </section>
      <LedgerCharts filters={filters} byModel={byModel.data} />
      <LedgerTable filters={filters} />
      <div className="ledger-two">
        <BudgetsPanel />
        <WhatIfPanel filters={filters} />
      </div>
      <SuggestionsPanel />
    </div>
  );
}
