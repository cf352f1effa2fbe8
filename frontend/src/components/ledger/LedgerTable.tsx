// The ledger rows: newest first, status and outcome, flow names; a row opens the call's detail
// (prompt and answer) in place, with a link to the call's own page.

import { Fragment, useEffect, useRef, useState } from "react";
import { Link } from "react-router-dom";
import { tokens, usd, type LedgerFilters } from "../../api/ledger";
import { useLedgerPages } from "../../hooks/useLedger";
import { formatMs, Spinner } from "../Elapsed";
import { ErrorNote } from "../ErrorNote";
import { CallDetail, StatusBadge } from "./CallDetail";
import { useFlowNames } from "./flowNames";

function when(iso: string): string {
  const d = new Date(iso);
  return `${d.toLocaleDateString()} ${d.toLocaleTimeString()}`;
}

interface Props {
  filters: LedgerFilters;
  /** A call to open and mark (?call=N), e.g. from a "ledger #N" link. */
  highlight?: number | null;
  /** The page's current search, handed to a call's page so "← Ledger" keeps the filters. */
  ledgerSearch?: string;
}

export function LedgerTable({ filters, highlight = null, ledgerSearch = "" }: Props) {
  const q = useLedgerPages(filters);
  const [open, setOpen] = useState<number | null>(highlight);
  const flowName = useFlowNames();
  const marked = useRef<HTMLTableRowElement>(null);
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  const found = highlight !== null && items.some((i) => i.id === highlight);
  useEffect(() => {
    if (found) marked.current?.scrollIntoView({ block: "center" });
  }, [found]);
  const toggle = (id: number) => setOpen(open === id ? null : id);
  return (
    <section className="card" aria-label="Ledger calls">
      <h2>Calls</h2>
      <ErrorNote error={q.error} />
      {q.isPending ? (
        <Spinner label="Loading calls" />
      ) : items.length === 0 ? (
        <p className="muted">No calls match these filters.</p>
      ) : (
        <div className="table-wrap">
          <table className="ledger-table">
            <thead>
              <tr>
                <th>Time</th>
                <th>Status</th>
                <th>Model</th>
                <th className="hide-narrow">Role</th>
                <th className="hide-narrow">Flow</th>
                <th className="hide-narrow">User</th>
                <th className="num">Tokens in/out</th>
                <th className="num">Cost</th>
                <th className="num hide-narrow">Latency</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <Fragment key={item.id}>
                  <tr
                    ref={item.id === highlight ? marked : undefined}
                    className={`ledger-row status-${item.status.toLowerCase()}${item.id === highlight ? " highlighted" : ""}`}
                    data-call-id={item.id}
                    tabIndex={0}
                    aria-expanded={open === item.id}
                    aria-label={`Call #${item.id}`}
                    onClick={() => toggle(item.id)}
                    onKeyDown={(e) => {
                      if (e.key === "Enter" || e.key === " ") {
                        e.preventDefault();
                        toggle(item.id);
                      }
                    }}
                  >
                    <td>{when(item.timestamp)}</td>
                    <td>
                      <StatusBadge item={item} />
                    </td>
                    <td>{item.model_used}</td>
                    <td className="hide-narrow">{item.agent_role ?? "—"}</td>
                    <td className="hide-narrow">{item.flow_id ? flowName(item.flow_id) : "—"}</td>
                    <td className="hide-narrow" title={item.machine ? `on ${item.machine}` : undefined}>
                      {item.user_name ?? "—"}
                    </td>
                    <td className="num">
                      {tokens(item.input_tokens)} / {tokens(item.output_tokens)}
                    </td>
                    <td className="num">{usd(item.total_cost_usd)}</td>
                    <td className="num hide-narrow">{formatMs(item.latency_ms)}</td>
                  </tr>
                  {open === item.id && (
                    <tr className="ledger-expanded">
                      <td colSpan={9}>
                        <p>
                          <Link to={`/ledger/calls/${item.id}`} state={{ ledgerSearch }}>
                            Open call #{item.id}
                          </Link>
                        </p>
                        <CallDetail id={item.id} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {highlight !== null && !q.isPending && !found && (
        <p className="muted">
          Call #{highlight} is not among the rows shown. <Link to={`/ledger/calls/${highlight}`}>Open call #{highlight}</Link>
        </p>
      )}
      {q.hasNextPage && (
        <button onClick={() => void q.fetchNextPage()} disabled={q.isFetchingNextPage}>
          {q.isFetchingNextPage ? <Spinner label="Loading more" /> : "Load more"}
        </button>
      )}
    </section>
  );
}
