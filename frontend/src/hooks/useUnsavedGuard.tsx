// Guards unsaved work: any in-app navigation away (a link, the sidebar, Back) asks first, and a
// reload or tab close gets the browser's own prompt. Needs the data router (App.tsx).
//
//   const guard = useUnsavedGuard(dirty, "This flow has unsaved changes.");
//   return <>{...}{guard}</>;

import { useEffect, type ReactElement } from "react";
import { useBlocker } from "react-router-dom";
import { ConfirmDialog } from "../components/ConfirmDialog";

export function useUnsavedGuard(dirty: boolean, what = "You have unsaved changes."): ReactElement {
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      dirty && (currentLocation.pathname !== nextLocation.pathname || currentLocation.search !== nextLocation.search),
  );
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);
  // Work saved while the prompt is open: let the navigation go ahead.
  useEffect(() => {
    if (blocker.state === "blocked" && !dirty) blocker.proceed();
  }, [blocker, dirty]);
  return (
    <ConfirmDialog
      open={blocker.state === "blocked"}
      title="Leave without saving?"
      confirmLabel="Leave"
      cancelLabel="Stay"
      danger
      onConfirm={() => blocker.proceed?.()}
      onCancel={() => blocker.reset?.()}
    >
      <p>{what} Leaving this page discards them.</p>
    </ConfirmDialog>
  );
}
