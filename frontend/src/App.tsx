// The app shell: navigation, routes, auth gate, toasts and the query client.

import { MutationCache, QueryCache, QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { Suspense, useMemo, useState } from "react";
import { createBrowserRouter, Link, NavLink, Outlet, RouterProvider } from "react-router-dom";
import { getAppInfo } from "./api/app";
import { ApiError } from "./api/client";
import { Spinner } from "./components/Elapsed";
import { ToastProvider, useToast } from "./components/Toasts";
import HomePage from "./pages/HomePage";
import { screens } from "./screens";

function useQueryClient(toastError: (m: string) => void): QueryClient {
  return useMemo(
    () =>
      new QueryClient({
        queryCache: new QueryCache({
          onError: (err, query) => {
            if (!query.meta?.silent) toastError(err instanceof Error ? err.message : String(err));
          },
        }),
        mutationCache: new MutationCache({
          // A mutation that shows its own error (meta.silent) is not toasted a second time.
          onError: (err, _vars, _result, mutation) => {
            if (!mutation.meta?.silent) toastError(err instanceof Error ? err.message : String(err));
          },
        }),
        defaultOptions: {
          queries: {
            retry: (count, err) => !(err instanceof ApiError && err.status > 0 && err.status < 500) && count < 2,
            refetchOnWindowFocus: false,
          },
        },
      }),
    [toastError],
  );
}

function AuthGate({ children }: { children: React.ReactNode }) {
  const probe = useQuery({
    queryKey: ["auth-probe"],
    queryFn: getAppInfo,
    retry: false,
    throwOnError: false,
    meta: { silent: true },
  });
  if (probe.isPending) {
    return (
      <div className="center">
        <Spinner label="Connecting" />
      </div>
    );
  }
  if (probe.error instanceof ApiError && probe.error.status === 401) {
    return (
      <div className="center page narrow">
        <h1>Open Forge with a login link</h1>
        <p>
          This browser is not signed in (or its session was ended). Open the link that{" "}
          <code>forge-orchestrator serve</code> printed in your terminal; it looks like{" "}
          <code>http://127.0.0.1:8080/login?code=…</code> and works once, for a few minutes. For a fresh one, run{" "}
          <code>forge-orchestrator login</code>.
        </p>
      </div>
    );
  }
  return <>{children}</>;
}

function Shell() {
  const [navOpen, setNavOpen] = useState(false);
  return (
    <div className="shell">
      <a className="skip-link" href="#main-content">
        Skip to content
      </a>
      <header className="topbar">
        <button
          className="icon-button nav-toggle"
          aria-label="Toggle navigation"
          aria-expanded={navOpen}
          onClick={() => setNavOpen((o) => !o)}
        >
          ☰
        </button>
        <NavLink to="/" className="brand">
          Forge
        </NavLink>
      </header>
      <nav className={`sidebar ${navOpen ? "open" : ""}`} aria-label="Main" onClick={() => setNavOpen(false)}>
        <Link to="/" className="brand desktop-only">
          ⚒ Forge
        </Link>
        <NavLink to="/" end>
          Home
        </NavLink>
        {screens.map((s) => (
          <NavLink key={s.path} to={s.path} title={s.summary}>
            {s.label}
          </NavLink>
        ))}
      </nav>
      <main className="content" id="main-content" tabIndex={-1}>
        <Suspense
          fallback={
            <div className="center">
              <Spinner label="Loading screen" />
            </div>
          }
        >
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}

function WithQueries() {
  const toast = useToast();
  const client = useQueryClient(toast.error);
  return (
    <QueryClientProvider client={client}>
      <AuthGate>
        <Shell />
      </AuthGate>
    </QueryClientProvider>
  );
}

const notFound = (
  <div className="page">
    <h1>Not found</h1>
    <p>There is no screen at this address.</p>
  </div>
);

// A data router, so that screens with unsaved work can block in-app navigation (useUnsavedGuard).
const router = createBrowserRouter([
  {
    path: "/",
    element: <Root />,
    children: [
      { index: true, element: <HomePage /> },
      ...screens.map((s) => ({ path: `${s.path.slice(1)}/*`, element: <s.component /> })),
      { path: "*", element: notFound },
    ],
  },
]);

function Root() {
  return (
    <ToastProvider>
      <WithQueries />
    </ToastProvider>
  );
}

export default function App() {
  return <RouterProvider router={router} />;
}
