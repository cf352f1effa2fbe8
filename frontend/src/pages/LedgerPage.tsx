// The token ledger: totals, charts, calls, budgets, optimizer suggestions and what-if repricing;
// /ledger/calls/:id shows one call with its prompt and answer.

import { useEffect, useMemo, useState } from "react";
import { Link, Route, Routes, useLocation, useParams, useSearchParams } from "react-router-dom";
import { ticketedDownload } from "../api/client";
import { APPROX_TITLE, exportUrl, tokens, usd, type LedgerFilters } from "../api/ledger";
import { BudgetsPanel } from "../components/ledger/BudgetsPanel";
import LedgerCharts from "../components/ledger/LedgerCharts";
import { CallDetail } from "../components/ledger/CallDetail";
import { useFlowNames } from "../components/ledger/flowNames";
import {
  EMPTY_FILTERS,
  fromSearch,
  LedgerFiltersBar,
  toFilters,
  toSearch,
  type FilterState,
} from "../components/ledger/LedgerFiltersBar";
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
  const users = useSummary(period, "user_name");
  const machines = useSummary(period, "machine");
  return {
    models: keys(models.data?.groups),
    providers: keys(providers.data?.groups),
    roles: keys(roles.data?.groups),
    flows: keys(flows.data?.groups),
    users: keys(users.data?.groups),
    machines: keys(machines.data?.groups),
  };
}

export default function LedgerPage() {
  return (
    <Routes>
      <Route index element={<LedgerOverview />} />
      <Route path="calls/:id" element={<CallPage />} />
      <Route
        path="*"
        element={
          <div className="page">
            <h1>Not found</h1>
            <p>
              There is no ledger screen at this address. <Link to="/ledger">Open the Ledger</Link>.
            </p>
          </div>
        }
      />
    </Routes>
  );
}

/** The ledger search (filters) a call page was opened from, so "back" keeps them. */
interface FromLedger {
  ledgerSearch?: string;
}

function CallPage() {
  const { id } = useParams();
  const location = useLocation();
  const back = (location.state as FromLedger | null)?.ledgerSearch ?? "";
  const callId = Number(id);
  return (
    <div className="page ledger-page">
      <p>
        <Link to={`/ledger${back}`}>← Ledger</Link>
      </p>
      <h1>Call #{Number.isInteger(callId) && callId > 0 ? callId : "?"}</h1>
      {Number.isInteger(callId) && callId > 0 ? (
        <CallDetail id={callId} />
      ) : (
        <p className="error-note">“{id}” is not a call number.</p>
      )}
    </div>
  );
}

function LedgerOverview() {
  const [params, setParams] = useSearchParams();
  // Local state answers at once (the router applies a URL change a tick later, and a second
  // change meanwhile would start from the old filters); the URL follows, for links and reloads.
  const [state, setLocal] = useState<FilterState>(() => fromSearch(params));
  const setState = (next: FilterState) => {
    setLocal(next);
    setParams(toSearch(next, params), { replace: true });
  };
  const urlState = useMemo(() => fromSearch(params), [params]);
  useEffect(() => {
    // A link to the Ledger with other filters, while it is open.
    setLocal((current) => (JSON.stringify(current) === JSON.stringify(urlState) ? current : urlState));
  }, [urlState]);
  const flowName = useFlowNames();
  const highlight = Number(params.get("call")) || null;
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
      <LedgerFiltersBar value={state} onChange={setState} options={options} flowLabel={flowName} />
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
              <strong data-testid="total-failures" className={t.failures + t.timeouts ? "bad-text" : ""}>
                {t.failures} / {t.timeouts}
              </strong>
            </div>
            <div className="card stat">
              <span className="small muted">Refused / cancelled</span>
              <strong data-testid="total-stopped" title="Budget refusals and stopped calls: recorded as FAILED, not counted as failures">
                {t.refusals} / {t.cancellations}
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
      <LedgerTable filters={filters} highlight={highlight} ledgerSearch={params.toString() ? `?${params.toString()}` : ""} />
      <div className="ledger-two">
        <BudgetsPanel />
        <WhatIfPanel filters={filters} />
      </div>
      <SuggestionsPanel />
    </div>
  );
}
