/**
 * Names are per page, as in Appsmith: a page's widgets, queries and JS objects share one namespace,
 * and another page may reuse any of its names. These are the names a new entity of the page must
 * avoid (lowcraft/apps/handler.py `page_entity_names` is the server's rule).
 */
import { useCallback, type MutableRefObject } from "react";

import { namesIn, type Widget } from "./tree";
import type { EditedApp } from "./useEditorEngine";

interface Named {
  readonly name: string;
  readonly pageId: string;
}

/** The page's query and JS object names. */
export function pageCodeNames(actions: readonly Named[], jsObjects: readonly Named[], pageId: string | null): Set<string> {
  return new Set([...actions, ...jsObjects].filter((e) => e.pageId === pageId).map((e) => e.name));
}

/** Every name used on the page: its widgets (`tree`), queries and JS objects. */
export function pageEntityNames(tree: Widget, actions: readonly Named[], jsObjects: readonly Named[], pageId: string | null): Set<string> {
  return new Set([...namesIn(tree), ...pageCodeNames(actions, jsObjects, pageId)]);
}

/** The editor's lookups of the edited page's names, as of the moment they are called. */
export function usePageNames(latest: MutableRefObject<EditedApp>): { pageNames: () => Set<string>; codeNames: () => Set<string> } {
  const pageNames = useCallback(() => pageEntityNames(latest.current.doc.tree, latest.current.actions, latest.current.jsObjects, latest.current.pageId), [latest]);
  const codeNames = useCallback(() => pageCodeNames(latest.current.actions, latest.current.jsObjects, latest.current.pageId), [latest]);
  return { pageNames, codeNames };
}
