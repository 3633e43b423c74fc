/**
 * Autocomplete for the binding and code editors: every entity of the page (its widgets with their
 * type's members, its queries, its JS objects' functions, `appsmith`) with the values the engine
 * evaluated, rebuilt when any of them changes.
 */
import { useCallback, useMemo } from "react";

import type { WidgetManifest } from "../engine/manifest";
import type { LibraryLoad } from "../engine/customLibraries";
import { appsmithEntity, complete, functionNames, libraryEntities, queryEntity, widgetMembers, type EntityInfo } from "./completions";
import type { ActionRecord, JsObjectRecord } from "./editorApi";
import type { Widget } from "./tree";
import type { Values } from "./useEditorEngine";

export interface CompletionSources {
  readonly tree: Widget;
  /** The page's widgets by name, in the tree's order. */
  readonly widgetsByName: ReadonlyMap<string, Widget>;
  readonly manifests: ReadonlyMap<string, WidgetManifest>;
  readonly actions: readonly ActionRecord[];
  readonly jsObjects: readonly JsObjectRecord[];
  readonly values: Values;
  /** The app's JS libraries as the engine loaded them. */
  readonly libraries?: readonly LibraryLoad[];
}

export function useBindingCompletion({ tree, widgetsByName, manifests, actions, jsObjects, values, libraries = [] }: CompletionSources) {
  const entities = useMemo((): EntityInfo[] => {
    const widgets = [...widgetsByName.keys()].flatMap((name) => {
      const w = widgetsByName.get(name);
      if (!w || w.widgetName === tree.widgetName) return [];
      return [{ name, kind: "widget" as const, detail: manifests.get(w.type)?.displayName ?? w.type, members: widgetMembers(manifests.get(w.type)), value: values[name] ?? {} }];
    });
    return [
      ...widgets,
      ...actions.map((a) => queryEntity(a.name, values[a.name] ?? {})),
      ...jsObjects.map((j) => ({ name: j.name, kind: "js" as const, detail: "JS object", members: new Map(functionNames(j.body).map((f) => [f, "()"])), value: values[j.name] ?? {} })),
      appsmithEntity(values["appsmith"] ?? {}),
      ...libraryEntities(libraries),
    ];
  }, [tree, manifests, actions, jsObjects, values, widgetsByName, libraries]);
  return useCallback((before: string) => complete(before, entities), [entities]);
}
