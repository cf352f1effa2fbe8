// The browser session's header secret: delivered once in the login redirect's URL fragment and
// kept in localStorage, which is origin-scoped (scheme, host AND port), so a page served by any
// other port of 127.0.0.1 cannot read it, though it does receive the session cookie.

const STORAGE_KEY = "forge-session-secret";
const FRAGMENT_PREFIX = "#forge-session=";
export const SESSION_HEADER = "X-Forge-Session";

/** The secret in a `#forge-session=…` fragment, or null for any other fragment. */
export function secretFromHash(hash: string): string | null {
  if (!hash.startsWith(FRAGMENT_PREFIX)) return null;
  return decodeURIComponent(hash.slice(FRAGMENT_PREFIX.length)) || null;
}

/** Moves a secret from the address bar into storage and removes it from the URL and history. */
export function captureSessionSecret(): void {
  const loc = window.location;
  if (!loc.hash.startsWith(FRAGMENT_PREFIX)) return;
  const secret = secretFromHash(loc.hash);
  if (secret) window.localStorage.setItem(STORAGE_KEY, secret);
  window.history.replaceState(null, "", loc.pathname + loc.search);
}

export function sessionSecret(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled: the API answers 401 and the page says how to sign in
  }
}

/** The header every fetch to the API carries; the HttpOnly cookie alone authenticates nothing. */
export function sessionHeaders(): Record<string, string> {
  const secret = sessionSecret();
  return secret ? { [SESSION_HEADER]: secret } : {};
}
