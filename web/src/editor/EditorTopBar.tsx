/**
 * The editor's top bar: the app and page, the save status, undo and redo, Git, settings, history,
 * preview and publish; below it, when the page could not be saved, what happened and the ways out.
 */
import { lazy, Suspense, useState } from "react";

import type { PageSummary } from "../api/resources";
import type { Peer } from "../realtime/session";
import type { SaveState } from "./autosave";
import type { AppDetail } from "./editorApi";
import GitBadge from "./GitBadge";

const PublishDialog = lazy(() => import("./PublishDialog"));

const SAVE_LABELS: Record<string, string> = { saved: "All changes saved", unsaved: "Unsaved changes", saving: "Saving…", conflict: "Conflict", error: "Not saved" };

export interface EditorTopBarProps {
  readonly app: AppDetail;
  readonly pageName: string | undefined;
  readonly saveState: SaveState | null;
  /** Co-editing: who else is in the app, and a word when the live connection is not there. */
  readonly live?: { readonly live: boolean; readonly peers: readonly Peer[]; readonly label: string | null };
  readonly pages?: readonly PageSummary[];
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
        {props.live?.label && (
          <span className="lc-ed-live" role="status" data-live-status>
            {props.live.label}
          </span>
        )}
        <span className="lc-ed-spacer" />
        {props.live && props.live.peers.length > 0 && <Avatars peers={props.live.peers} pages={props.pages ?? []} />}
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
          ) : props.live?.live ? null : (
            <button type="button" onClick={props.onRetry}>
              Try again
            </button>
          )}
        </div>
      )}
    </>
  );
}

/** The others in the app: one avatar per person (their initials, in their colour), and their page. */
function Avatars(props: { peers: readonly Peer[]; pages: readonly PageSummary[] }) {
  const people = new Map<string, Peer>();
  for (const p of props.peers) if (!people.has(p.user.id)) people.set(p.user.id, p);
  return (
    <span className="lc-ed-peers" aria-label="People editing this app">
      {[...people.values()].map((p) => {
        const page = props.pages.find((x) => x.id === p.pageId)?.name ?? "another page";
        const initials = p.user.name.split(/[\s@._-]+/).filter(Boolean).slice(0, 2).map((w) => w[0]?.toUpperCase()).join("");
        return (
          <span key={p.user.id} className="lc-ed-avatar" style={{ background: p.user.color }} title={`${p.user.name} — on ${page}`} data-peer={p.user.name} data-peer-page={page}>
            {initials || "?"}
          </span>
        );
      })}
    </span>
  );
}
