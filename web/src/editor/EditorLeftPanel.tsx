/**
 * The editor's left panel: two tabs, the widget palette (drag a widget onto the canvas) and the
 * explorer (pages, the page's widgets, queries, JS objects and datasources, and their commands).
 */
import type { ComponentProps, Dispatch, MutableRefObject } from "react";

import type { PageSummary } from "../api/resources";
import type { AlertStyle } from "../engine/host";
import type { WidgetManifest } from "../engine/manifest";
import type { CanvasHandle } from "./Canvas";
import { editorApi, messageOf, type ActionRecord, type DatasourceRecord, type JsObjectRecord } from "./editorApi";
import type { EditorAction, EditorState } from "./editorState";
import Explorer from "./Explorer";
import Palette from "./Palette";
import { appendOnce, type pageCommands } from "./pageCommands";
import { findWidget, removeWidgets, uniqueName } from "./tree";
import type { useEditCommands } from "./useEditCommands";

type Update<T> = (update: T | ((before: T) => T)) => void;

export interface EditorLeftPanelProps {
  readonly appId: string;
  readonly pageId: string;
  readonly tab: "explorer" | "widgets";
  readonly setTab: (tab: "explorer" | "widgets") => void;
  readonly focus: string;
  readonly setFocus: (focus: string) => void;
  readonly manifests: readonly WidgetManifest[];
  readonly canvas: MutableRefObject<CanvasHandle | null>;
  readonly pages: PageSummary[];
  readonly doc: EditorState;
  readonly pageActions: ActionRecord[];
  readonly pageJs: JsObjectRecord[];
  readonly actions: ActionRecord[];
  readonly datasources: DatasourceRecord[];
  readonly libraries: ComponentProps<typeof Explorer>["libraries"];
  /** The explorer's page commands (add, rename, clone, delete, set default). */
  readonly pageHandlers: ReturnType<typeof pageCommands>["explorer"];
  readonly openPage: (id: string) => Promise<void>;
  readonly commands: ReturnType<typeof useEditCommands>;
  readonly pageNames: () => Set<string>;
  readonly dispatch: Dispatch<EditorAction>;
  readonly setJsObjects: Update<JsObjectRecord[]>;
  readonly scheduleReload: () => void;
  readonly toast: (message: string, style?: AlertStyle) => void;
}

export default function EditorLeftPanel(props: EditorLeftPanelProps) {
  const { appId, pageId, tab, setTab, focus, setFocus, doc, datasources, commands, toast } = props;
  const { commit, rename, addQuery } = commands;
  return (
    <div className="lc-ed-left">
      <div role="tablist">
        <button type="button" role="tab" aria-selected={tab === "widgets"} onClick={() => setTab("widgets")}>
          Widgets
        </button>
        <button type="button" role="tab" aria-selected={tab === "explorer"} onClick={() => setTab("explorer")}>
          Explorer
        </button>
      </div>
      {tab === "widgets" ? (
        <Palette
          manifests={props.manifests}
          onStart={(type, x, y) => {
            if (focus !== "canvas") setFocus("canvas");
            props.canvas.current?.beginNew(type, x, y);
          }}
        />
      ) : (
        <Explorer
          pages={props.pages}
          pageId={pageId}
          tree={doc.tree}
          selected={doc.selected}
          actions={props.pageActions}
          jsObjects={props.pageJs}
          datasources={datasources}
          appActions={props.actions}
          focus={focus} libraries={props.libraries}
          onOpenPage={(id) => void props.openPage(id).catch((e: unknown) => toast(messageOf(e), "error"))}
          {...props.pageHandlers}
          onSelectWidget={(id) => {
            setFocus("canvas");
            props.dispatch({ type: "select", ids: [id] });
          }}
          onRenameWidget={(id, name) => {
            const w = findWidget(doc.tree, id);
            if (w) void rename(w.widgetName, name);
          }}
          onDeleteWidget={(id) => commit(removeWidgets(doc.tree, new Set([id])), [])}
          onOpenQuery={(id) => setFocus(`query:${id}`)}
          onAddQuery={() => (datasources.length === 0 ? setFocus("new-datasource") : datasources.length === 1 ? void addQuery(datasources[0] as DatasourceRecord) : setFocus("pick-datasource"))}
          onOpenJs={(id) => setFocus(`js:${id}`)}
          onAddJs={() =>
            void editorApi
              .createJsObject(appId, { pageId, name: uniqueName("JSObject", props.pageNames()), body: "export default {\n  value: 1,\n  run() {\n    return this.value;\n  },\n}" })
              .then((js) => {
                props.setJsObjects((l) => appendOnce(l, [js]));
                setFocus(`js:${js.id}`);
                props.scheduleReload();
              }, (e: unknown) => toast(messageOf(e), "error"))
          }
          onOpenDatasource={(id) => setFocus(`datasource:${id}`)}
          onAddDatasource={() => setFocus("new-datasource")}
        />
      )}
    </div>
  );
}
