/**
 * The editor's side of an `edit:<applicationId>` channel: the application's shared Yjs document
 * kept in step with the server over y-protocols (message 0 = sync, 1 = awareness, binary frames).
 *
 * - On every (re)connect the provider sends sync step 1 with the local state vector; the server
 *   answers with what this copy lacks (step 2) and asks for what it lacks (its step 1), which the
 *   provider answers. Edits made while offline are in the local document and go up that way: the
 *   offline queue is Yjs itself.
 * - Local updates are sent as they happen when the socket is open; the server never gets an
 *   update from its own echo (updates applied from the socket carry this provider as origin).
 * - `synced` turns true after the first step 2: the document then holds the server's state (the
 *   server seeds it from the store; the client never seeds it).
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import type * as Y from "yjs";

import { Channel, channelUrl, type ChannelOptions, type ChannelStatus } from "./channel";

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;

export interface ProviderEvents {
  /** The first sync is done (the document holds the server's state), or a later one. */
  synced?(): void;
  status?(status: ChannelStatus, problem: string | null): void;
  /** A JSON text frame from the server (`published`, `reloaded`, `error`). */
  message?(message: Record<string, unknown>): void;
}

export class CoEditProvider {
  readonly awareness: awarenessProtocol.Awareness;
  readonly channel: Channel;
  synced = false;
  private readonly listeners: ProviderEvents;

  constructor(
    readonly doc: Y.Doc,
    applicationId: string,
    listeners: ProviderEvents = {},
    options: Partial<ChannelOptions> = {},
  ) {
    this.listeners = listeners;
    this.awareness = new awarenessProtocol.Awareness(doc);
    doc.on("update", this.onUpdate);
    this.awareness.on("update", this.onAwareness);
    this.channel = new Channel(
      { url: options.url ?? channelUrl(`edit:${applicationId}`), ...options },
      {
        open: () => {
          const encoder = encoding.createEncoder();
          encoding.writeVarUint(encoder, MESSAGE_SYNC);
          syncProtocol.writeSyncStep1(encoder, doc);
          this.channel.send(encoding.toUint8Array(encoder));
          if (this.awareness.getLocalState() !== null) this.sendAwareness([doc.clientID]);
        },
        binary: (data) => this.receive(data),
        text: (message) => this.listeners.message?.(message),
        status: (status, problem) => {
          if (status !== "open") {
            // Others are gone from view until the connection is back (their states come again).
            const others = [...this.awareness.getStates().keys()].filter((id) => id !== doc.clientID);
            awarenessProtocol.removeAwarenessStates(this.awareness, others, this);
          }
          this.listeners.status?.(status, problem);
        },
      },
    );
  }

  private receive(data: Uint8Array): void {
    const decoder = decoding.createDecoder(data);
    const encoder = encoding.createEncoder();
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_SYNC) {
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      const kind = syncProtocol.readSyncMessage(decoder, encoder, this.doc, this);
      if (encoding.length(encoder) > 1) this.channel.send(encoding.toUint8Array(encoder));
      if (kind === syncProtocol.messageYjsSyncStep2) {
        this.synced = true;
        this.listeners.synced?.();
      }
    } else if (type === MESSAGE_AWARENESS) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this);
    }
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeUpdate(encoder, update);
    // Not open: the update stays in the document and goes up with the next sync.
    this.channel.send(encoding.toUint8Array(encoder));
  };

  private readonly onAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    if (origin === this) return;
    this.sendAwareness([...added, ...updated, ...removed]);
  };

  private sendAwareness(clients: number[]): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients));
    this.channel.send(encoding.toUint8Array(encoder));
  }

  destroy(): void {
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], "destroy");
    this.doc.off("update", this.onUpdate);
    this.awareness.off("update", this.onAwareness);
    this.channel.stop();
    this.awareness.destroy();
  }
}
