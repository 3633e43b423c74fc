/** The browser's address as React state: `useLocation()` follows it, `navigate()` changes it. */
import { useSyncExternalStore } from "react";

const CHANGE = "lowcraft:navigate";

export interface Location {
  readonly pathname: string;
  readonly search: string;
}

function subscribe(listener: () => void): () => void {
  window.addEventListener("popstate", listener);
  window.addEventListener(CHANGE, listener);
  return () => {
    window.removeEventListener("popstate", listener);
    window.removeEventListener(CHANGE, listener);
  };
}

const snapshot = (): string => window.location.pathname + window.location.search;

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot, () => "/");
  const q = href.indexOf("?");
  return q < 0 ? { pathname: href, search: "" } : { pathname: href.slice(0, q), search: href.slice(q) };
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, "", path);
  else window.history.pushState(null, "", path);
  window.dispatchEvent(new Event(CHANGE));
  window.scrollTo(0, 0);
}

/** Query parameter `name` of the current address. */
export function queryParam(search: string, name: string): string | null {
  return new URLSearchParams(search).get(name);
}
