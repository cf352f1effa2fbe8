// A yes/no preference kept in localStorage (panel and minimap visibility), per browser.

import { useCallback, useState } from "react";

function read(key: string, fallback: boolean): boolean {
  try {
    const v = window.localStorage.getItem(key);
    return v === null ? fallback : v === "1";
  } catch {
    // Storage can be disabled (privacy settings); the preference then lasts for the page.
    return fallback;
  }
}

export function useStoredFlag(key: string, fallback: boolean): [boolean, (v: boolean) => void] {
  const [value, setValue] = useState(() => read(key, fallback));
  const set = useCallback(
    (v: boolean) => {
      setValue(v);
      try {
        window.localStorage.setItem(key, v ? "1" : "0");
      } catch {
        /* see read() */
      }
    },
    [key],
  );
  return [value, set];
}
