/**
 * The editor's top bar: the app and page, the save status, undo and redo, Git, settings, history,
 * preview and publish; below it, when the page could not be saved, what happened and the ways out.
 */
import { lazy, Suspense, useState } from "react";

import type { SaveState } from "./autosave";
import type { AppDetail } from "./editorApi";
import GitBadge from "./GitBadge";

const PublishDialog = lazy(() => import("./PublishDialog"));

const SAVE_LABELS: Record<string, string> = { saved: "All changes saved", unsaved: "Unsaved changes", saving: "Saving…", conflict: "Conflict", error: "Not saved" };

export interface EditorTopBarProps {
  readonly app: AppDetail;
  readonly pageName: string | undefined;
  readonly saveState: SaveState | null;
  readonly busy: string | null;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  readonly preview: boolean;
  onUndo(): void;
  onRedo(): void;
  onSettings(): void;
  onHistory(): void;
  /** Open the Git panel. */
  onGit(): void;
  onTogglePreview(): void;
  /** Publish, with the message the publish dialog asked for ("" for none). */
  onPublish(message: string): void;
  /** Conflict: save this version over the other one. */
  onOverwrite(): void;
  /** Conflict: drop the unsaved changes and load the other version. */
  onLoadOther(): void;
  /** Save error: try again. */
  onRetry(): void;
}

export default function EditorTopBar(props: EditorTopBarProps) {
  const { app, saveState, preview } = props;
  const status = saveState?.status ?? "saved";
  const [publishing, setPublishing] = useState(false);
  return (
    <>
      <header className="lc-ed-top">
        <a href="/" className="lc-ed-home" title="All applications">
          ◧
        </a>
        <strong>{app.name}</strong>
        <span className="lc-ed-muted">/ {props.pageName}</span>
        <span className={`lc-ed-save lc-ed-save--${status}`} role="status" data-save-status={status}>
          {SAVE_LABELS[status]}
        </span>
        <span className="lc-ed-spacer" />
        {props.busy && <span role="status">{props.busy}</span>}
        <button type="button" aria-label="Undo" title="Undo (Ctrl+Z)" disabled={!props.canUndo || preview} onClick={props.onUndo}>
          ↶
        </button>
        <button type="button" aria-label="Redo" title="Redo (Ctrl+Shift+Z)" disabled={!props.canRedo || preview} onClick={props.onRedo}>
          ↷
        </button>
        <GitBadge appId={app.id} saveStatus={status} onOpen={props.onGit} />
        <button type="button" onClick={props.onSettings}>
          Settings
        </button>
        <button type="button" onClick={props.onHistory}>
          History
        </button>
        <button type="button" aria-pressed={preview} onClick={props.onTogglePreview}>
          {preview ? "Back to editing" : "Preview"}
        </button>
        <button type="button" className="lc-ed-primary" onClick={() => setPublishing(true)}>
          Publish
        </button>
        {app.isPublished && (
          <a href={`/app/${encodeURIComponent(app.slug)}`} target="_blank" rel="noopener">
            View published app
          </a>
        )}
      </header>
      {publishing && (
        <Suspense fallback={null}>
          <PublishDialog
            onCancel={() => setPublishing(false)}
            onPublish={(message) => {
              setPublishing(false);
              props.onPublish(message);
            }}
          />
        </Suspense>
      )}
      {saveState && (saveState.status === "conflict" || saveState.status === "error") && (
        <div className="lc-ed-conflict" role="alert">
          <span>{saveState.message}</span>
          {saveState.status === "conflict" ? (
            <>
              <button type="button" onClick={props.onOverwrite}>
                Overwrite with my version
              </button>
              <button type="button" onClick={props.onLoadOther}>
                Load the other version
              </button>
            </>
          ) : (
            <button type="button" onClick={props.onRetry}>
              Try again
            </button>
          )}
        </div>
      )}
    </>
  );
}
