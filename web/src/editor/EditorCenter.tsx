/**
 * The editor's middle panel, chosen by what has the focus: a query, a JS object, a datasource
 * (new, edited, or an imported one of a kind Lowcraft lacked), the Git, history or settings panel,
 * the datasource picker of a new query, or the canvas.
 */
import { lazy, type Dispatch, type MutableRefObject } from "react";

import type { PageSummary } from "../api/resources";
import type { AlertStyle } from "../engine/host";
import type { WidgetManifest } from "../engine/manifest";
import Canvas, { type CanvasHandle } from "./Canvas";
import { functionNames } from "./completions";
import { editorApi, messageOf, type ActionRecord, type AppDetail, type ConnectorInfo, type DatasourceRecord, type Execution, type JsObjectRecord, type StructureTable } from "./editorApi";
import type { EditorAction, EditorState } from "./editorState";
import type { JsRun } from "./JsObjectEditor";
import type { pageCommands } from "./pageCommands";
import { boxOf, idOf, newWidget, placeWidgets, type Widget } from "./tree";
import type { useBindingCompletion } from "./useBindingCompletion";
import type { useCoEditing } from "./useCoEditing";
import type { useEditCommands } from "./useEditCommands";
import type { useEditorEngine } from "./useEditorEngine";

const QueryEditor = lazy(() => import("./QueryEditor"));
const JsObjectEditor = lazy(() => import("./JsObjectEditor"));
const DatasourceEditor = lazy(() => import("./DatasourceEditor"));
const [ConnectorGallery, PlaceholderDatasource] = [lazy(() => import("./DatasourceEditor").then((m) => ({ default: m.ConnectorGallery }))), lazy(() => import("./DatasourceEditor").then((m) => ({ default: m.PlaceholderDatasource })))];
const QueryDatasourcePicker = lazy(() => import("./DatasourceEditor").then((m) => ({ default: m.QueryDatasourcePicker })));
const [AppSettings, HistoryPanel, GitPanel] = [lazy(() => import("./AppSettings")), lazy(() => import("./HistoryPanel")), lazy(() => import("./GitPanel"))];

type Update<T> = (update: T | ((before: T) => T)) => void;

export interface EditorCenterProps {
  readonly appId: string;
  readonly app: AppDetail;
  readonly pageId: string;
  readonly pages: PageSummary[];
  readonly focus: string;
  readonly setFocus: (focus: string) => void;
  readonly focusedAction: ActionRecord | undefined;
  readonly jsObjects: readonly JsObjectRecord[];
  readonly connectors: readonly ConnectorInfo[];
  readonly datasources: readonly DatasourceRecord[];
  readonly structures: Record<string, StructureTable[]>;
  readonly executions: Record<string, Execution>;
  readonly running: string | null;
  readonly jsRuns: Record<string, JsRun>;
  readonly logs: string[];
  readonly environment: string;
  readonly preview: boolean;
  readonly doc: EditorState;
  readonly canvas: MutableRefObject<CanvasHandle | null>;
  readonly manifestMap: Map<string, WidgetManifest>;
  readonly engine: ReturnType<typeof useEditorEngine>;
  readonly coedit: ReturnType<typeof useCoEditing>;
  readonly commands: ReturnType<typeof useEditCommands>;
  readonly completeBinding: ReturnType<typeof useBindingCompletion>;
  readonly pageNames: () => Set<string>;
  readonly dispatch: Dispatch<EditorAction>;
  readonly setActions: Update<ActionRecord[]>;
  readonly setJsObjects: Update<JsObjectRecord[]>;
  readonly setDatasources: Update<DatasourceRecord[]>;
  readonly setStructures: Update<Record<string, StructureTable[]>>;
  readonly setJsRuns: Update<Record<string, JsRun>>;
  readonly setEnvironment: (environment: string) => void;
  readonly setApp: (app: AppDetail) => void;
  readonly setLoads: Update<number>;
  readonly restoreVersion: ReturnType<typeof pageCommands>["restoreVersion"];
  readonly refreshPages: () => Promise<void>;
  readonly toast: (message: string, style?: AlertStyle) => void;
}

export default function EditorCenter(props: EditorCenterProps) {
  const { appId, app, pageId, pages, focus, setFocus, focusedAction, jsObjects, connectors, datasources, structures, doc, manifestMap, coedit, completeBinding, pageNames, toast } = props;
  const { engine, values, errors, onUpdate, reloadEngine, scheduleReload } = props.engine;
  const { commit, changeAction, changeJs, runQuery, addQuery, rename, flushAll } = props.commands;
  const { setActions, setJsObjects, setDatasources, setStructures, setJsRuns } = props;

  const focusedJs = focus.startsWith("js:") ? jsObjects.find((j) => j.id === focus.slice(3)) : undefined;
  const focusedDs = focus.startsWith("datasource:") ? datasources.find((d) => d.id === focus.slice(11)) : undefined;
  const newConnector = focus.startsWith("connector:") ? connectors.find((c) => c.type === focus.slice(10)) : undefined;

  if (focusedAction) {
    return (
      <QueryEditor
        key={focusedAction.id}
        action={focusedAction}
        connector={connectors.find((c) => c.type === focusedAction.connector)}
        datasource={datasources.find((d) => d.id === focusedAction.datasourceId)}
        tables={structures[focusedAction.datasourceId] ?? []}
        execution={props.executions[focusedAction.id]}
        running={props.running === focusedAction.id}
        complete={completeBinding}
        onChange={(changes) => changeAction(focusedAction.id, changes)}
        shared={(key) => coedit.sharedText("action", focusedAction.id, key)}
        onRun={() => void runQuery(focusedAction)}
        environment={props.environment}
        onEnvironment={props.setEnvironment}
        onRename={(n) => void rename(focusedAction.name, n)}
        onShowInTable={() => {
          const manifest = manifestMap.get("TABLE_WIDGET_V2");
          if (!manifest) return;
          const made = newWidget(manifest, pageNames(), { left: 0, top: 0 }, manifestMap);
          const widget = { ...made.widget, tableData: `{{${focusedAction.name}.data}}` };
          const below = (doc.tree.children ?? []).reduce((m, c) => Math.max(m, boxOf(c).bottom), 0);
          commit(placeWidgets(doc.tree, idOf(doc.tree), [{ widget, box: { ...made.box, top: below, bottom: below + made.box.bottom - made.box.top } }]), [idOf(widget)]);
          setFocus("canvas");
        }}
        onDelete={() => {
          if (!window.confirm(`Delete ${focusedAction.name}?`)) return;
          editorApi.deleteAction(focusedAction.id).then(
            () => {
              setActions((l) => l.filter((a) => a.id !== focusedAction.id));
              setFocus("canvas");
              scheduleReload();
            },
            (e: unknown) => toast(messageOf(e), "error"),
          );
        }}
      />
    );
  }
  if (focusedJs) {
    const fns = functionNames(focusedJs.body);
    return (
      <JsObjectEditor
        key={focusedJs.id}
        js={focusedJs} appId={app?.id}
        functions={fns}
        errors={Object.entries(errors).filter(([k]) => k.startsWith(`${focusedJs.name}.`)).flatMap(([, l]) => l)}
        complete={completeBinding}
        lastRun={props.jsRuns[focusedJs.id]}
        logs={props.logs}
        onChange={(changes) => changeJs(focusedJs.id, changes)}
        shared={coedit.sharedText("js", focusedJs.id)}
        onRename={(n) => void rename(focusedJs.name, n)}
        onRun={(fn) => {
          void (async () => {
            try {
              await flushAll();
              await reloadEngine();
              const value = await engine.current?.runJsFunction(focusedJs.name, fn);
              setJsRuns((r) => ({ ...r, [focusedJs.id]: { fn, ok: true, value } }));
            } catch (e) {
              setJsRuns((r) => ({ ...r, [focusedJs.id]: { fn, ok: false, value: messageOf(e) } }));
            }
          })();
        }}
        onDelete={() => {
          if (!window.confirm(`Delete ${focusedJs.name}?`)) return;
          editorApi.deleteJsObject(focusedJs.id).then(
            () => {
              setJsObjects((l) => l.filter((j) => j.id !== focusedJs.id));
              setFocus("canvas");
              scheduleReload();
            },
            (e: unknown) => toast(messageOf(e), "error"),
          );
        }}
      />
    );
  }
  if (focus === "new-datasource") return <ConnectorGallery connectors={connectors} onPick={(c) => setFocus(`connector:${c.type}`)} />;
  if (newConnector || focusedDs) {
    const connector = newConnector ?? connectors.find((c) => c.type === focusedDs?.connector);
    return connector ? (
      <DatasourceEditor
        key={focus}
        workspaceId={app.workspaceId}
        connector={connector}
        datasource={focusedDs ?? null}
        onSaved={(ds) => {
          setDatasources((l) => [...l.filter((d) => d.id !== ds.id), ds]);
          setStructures((s) => {
            const { [ds.id]: _dropped, ...rest } = s;
            return rest;
          });
          setFocus(`datasource:${ds.id}`);
          toast(`Datasource ${ds.name} saved`, "success");
        }}
        onNewQuery={(ds, table) => void addQuery(ds, table)}
      />
    ) : focusedDs ? <PlaceholderDatasource appId={appId} datasource={focusedDs} connectors={connectors} onError={(m) => toast(m, "error")} onPicked={(ds, acts) => [setDatasources((l) => [...l.filter((d) => d.id !== ds.id), ds]), setActions(acts), setFocus(`datasource:${ds.id}`)]} /> : null; // an imported datasource of a kind Lowcraft lacked
  }
  if (focus === "git") return <GitPanel appId={appId} flush={flushAll} onEditStateChanged={(m) => [toast(m, "success"), props.setLoads((n) => n + 1)]} />;
  if (focus === "settings" || focus === "history") {
    return focus === "history" ? <HistoryPanel appId={appId} onRestore={props.restoreVersion} /> : <AppSettings app={app} pages={pages} onSaved={(a) => void props.refreshPages().then(() => props.setApp({ ...a, pages }))} />;
  }
  if (focus.startsWith("pick-datasource")) return <QueryDatasourcePicker datasources={datasources} onPick={(d) => void addQuery(d)} />;
  return (
    <Canvas
      handle={props.canvas}
      tree={doc.tree}
      manifests={manifestMap}
      values={values}
      errors={errors}
      selected={doc.selected}
      peers={coedit.peers.filter((p) => p.pageId === pageId)}
      preview={props.preview}
      onSelect={(ids, toggle) => (toggle && ids[0] ? props.dispatch({ type: "toggle", id: ids[0] }) : props.dispatch({ type: "select", ids }))}
      onCommit={(tree: Widget, select) => commit(tree, select)}
      onMeta={(w, changes) => engine.current?.setMeta(w, changes).then(onUpdate, (e: unknown) => console.error(e))}
      onEvent={(w, ev, extra) => void engine.current?.runEvent(w, ev, extra ?? {})}
    />
  );
}
