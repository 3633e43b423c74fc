/**
 * A co-editing session of one application: the shared document, its connection, presence, and
 * an undo history of this person's own edits only (Y.UndoManager tracking the editor's origin,
 * so undo never takes back what a colleague did).
 */
import * as Y from "yjs";

import type { WidgetNode } from "../engine/page";
import type { ChannelOptions, ChannelStatus } from "./channel";
import { CoEditProvider } from "./provider";
import { writeActionConfig, writeJsBody } from "./sharedEntities";
import { writeTree } from "./sharedTree";

/** The origin of the editor's own edits (what undo takes back). */
export const LOCAL_EDIT = "lowcraft-editor";
/** Edits made within this time join one undo step (typing a property). */
export const UNDO_CAPTURE_MS = 800;

export interface Presence {
  readonly user: { readonly id: string; readonly name: string; readonly color: string };
  readonly pageId: string | null;
  readonly selection: readonly string[];
  readonly cursor?: unknown;
}

export interface Peer extends Presence {
  readonly clientId: number;
}

export interface SessionEvents {
  synced?(): void;
  status?(status: ChannelStatus, problem: string | null): void;
  message?(message: Record<string, unknown>): void;
  peers?(peers: readonly Peer[]): void;
  /** The undo or redo stack changed. */
  history?(canUndo: boolean, canRedo: boolean): void;
}

const COLORS = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#008080", "#f032e6", "#9a6324", "#800000", "#000075"];

/** A colour for a person, the same in every browser. */
export function colorFor(userId: string): string {
  let h = 0;
  for (const c of userId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return COLORS[h % COLORS.length] as string;
}

export class CoEditSession {
  readonly doc: Y.Doc;
  readonly provider: CoEditProvider;
  readonly undoManager: Y.UndoManager;

  constructor(applicationId: string, events: SessionEvents = {}, options: Partial<ChannelOptions> = {}, doc: Y.Doc = new Y.Doc()) {
    this.doc = doc;
    this.provider = new CoEditProvider(doc, applicationId, { synced: events.synced, status: events.status, message: events.message }, options);
    this.undoManager = new Y.UndoManager([doc.getMap("pages"), doc.getMap("actions"), doc.getMap("jsObjects")], {
      trackedOrigins: new Set([LOCAL_EDIT]),
      captureTimeout: UNDO_CAPTURE_MS,
    });
    const history = () => events.history?.(this.undoManager.canUndo(), this.undoManager.canRedo());
    this.undoManager.on("stack-item-added", history);
    this.undoManager.on("stack-item-popped", history);
    this.undoManager.on("stack-cleared", history);
    this.provider.awareness.on("change", () => events.peers?.(this.peers()));
  }

  get awareness() {
    return this.provider.awareness;
  }

  get synced(): boolean {
    return this.provider.synced;
  }

  /** The others in the app (one entry per open editor). */
  peers(): Peer[] {
    const out: Peer[] = [];
    this.awareness.getStates().forEach((state, clientId) => {
      if (clientId === this.doc.clientID) return;
      const p = state as Partial<Presence>;
      if (p.user && typeof p.user.name === "string") out.push({ clientId, user: p.user, pageId: p.pageId ?? null, selection: Array.isArray(p.selection) ? p.selection : [], cursor: p.cursor });
    });
    return out;
  }

  setPresence(presence: Partial<Presence>): void {
    const current = (this.awareness.getLocalState() ?? {}) as Record<string, unknown>;
    const next = { cursor: null, ...current, ...presence };
    if (Object.keys(next).every((k) => JSON.stringify(next[k as keyof typeof next]) === JSON.stringify(current[k]))) return;
    this.awareness.setLocalState(next);
  }

  editTree(pageId: string, base: WidgetNode, next: WidgetNode): void {
    this.doc.transact(() => writeTree(this.doc, pageId, base, next), LOCAL_EDIT);
  }

  editActionConfig(id: string, base: Record<string, unknown>, next: Record<string, unknown>): void {
    this.doc.transact(() => writeActionConfig(this.doc, id, base, next), LOCAL_EDIT);
  }

  editJsBody(id: string, body: string): void {
    this.doc.transact(() => writeJsBody(this.doc, id, body), LOCAL_EDIT);
  }

  undo(): void {
    this.undoManager.undo();
  }

  redo(): void {
    this.undoManager.redo();
  }

  destroy(): void {
    this.undoManager.destroy();
    this.provider.destroy();
    this.doc.destroy();
  }
}
