/**
 * The provider over a socket pair, against a relay that answers y-protocols the way
 * docs/realtime.md says the server does (its sync step 1 first, step 2 to a client's step 1,
 * updates and awareness passed on to the others): first sync, live updates, resume after a drop
 * with the edits made meanwhile, the heartbeat, and close codes that stop or retry.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import { afterEach, describe, expect, test, vi } from "vitest";
import * as Y from "yjs";

import { closeMeaning, type SocketLike } from "./channel";
import { CoEditProvider } from "./provider";

class Relay {
  readonly doc = new Y.Doc();
  readonly clients = new Set<FakeSocket>();
  readonly texts: string[] = [];

  constructor() {
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      syncProtocol.writeUpdate(e, update);
      const frame = encoding.toUint8Array(e);
      for (const c of this.clients) if (c !== origin) c.deliver(frame);
    });
  }

  accept(socket: FakeSocket): void {
    this.clients.add(socket);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    syncProtocol.writeSyncStep1(e, this.doc);
    socket.deliver(encoding.toUint8Array(e));
  }

  receive(from: FakeSocket, data: string | Uint8Array): void {
    if (typeof data === "string") {
      this.texts.push(data);
      if (JSON.parse(data).type === "ping") from.deliver(JSON.stringify({ type: "pong" }));
      return;
    }
    const d = decoding.createDecoder(data);
    const type = decoding.readVarUint(d);
    if (type === 0) {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      syncProtocol.readSyncMessage(d, e, this.doc, from);
      if (encoding.length(e) > 1) from.deliver(encoding.toUint8Array(e));
    } else for (const c of this.clients) if (c !== from) c.deliver(data);
  }
}

class FakeSocket implements SocketLike {
  binaryType = "";
  readyState = 0;
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  constructor(readonly relay: Relay) {
    queueMicrotask(() => {
      this.readyState = 1;
      this.onopen?.({});
      relay.accept(this);
    });
  }
  deliver(data: string | Uint8Array): void {
    if (this.readyState !== 1) return;
    this.onmessage?.({ data: typeof data === "string" ? data : data.slice().buffer });
  }
  send(data: string | Uint8Array): void {
    if (this.readyState === 1) this.relay.receive(this, data);
  }
  /** The server (or the network) ends the connection. */
  drop(code: number, reason = ""): void {
    this.readyState = 3;
    this.relay.clients.delete(this);
    this.onclose?.({ code, reason });
  }
  close(): void {
    this.readyState = 3;
    this.relay.clients.delete(this);
  }
}

const settle = () => new Promise((r) => setTimeout(r, 5));

function connectTo(relay: Relay, sockets: FakeSocket[]) {
  return {
    url: "ws://test/api/v1/ws?channel=edit:app",
    connect: () => {
      const s = new FakeSocket(relay);
      sockets.push(s);
      return s;
    },
    backoffMs: [1],
    events: null,
  };
}

const made: CoEditProvider[] = [];
afterEach(() => {
  for (const p of made.splice(0)) p.destroy();
  vi.useRealTimers();
});

function provider(relay: Relay, sockets: FakeSocket[], events = {}) {
  const p = new CoEditProvider(new Y.Doc(), "app", events, connectTo(relay, sockets));
  made.push(p);
  return p;
}

describe("the co-editing provider", () => {
  test("gets the server's document on the first sync and never seeds it", async () => {
    const relay = new Relay();
    relay.doc.getMap("pages").set("p1", "seeded");
    const synced = vi.fn();
    const p = provider(relay, [], { synced });
    await settle();
    expect(p.synced).toBe(true);
    expect(synced).toHaveBeenCalled();
    expect(p.doc.getMap("pages").get("p1")).toBe("seeded");
    expect(relay.doc.getMap("pages").size).toBe(1);
  });

  test("sends local edits and applies the others' as they happen", async () => {
    const relay = new Relay();
    const one = provider(relay, []);
    const two = provider(relay, []);
    await settle();
    one.doc.getMap("pages").set("x", 1);
    two.doc.getMap("pages").set("y", 2);
    await settle();
    expect(one.doc.getMap("pages").toJSON()).toEqual({ x: 1, y: 2 });
    expect(two.doc.getMap("pages").toJSON()).toEqual({ x: 1, y: 2 });
  });

  test("resumes after a drop: edits made offline merge with what the others did meanwhile", async () => {
    const relay = new Relay();
    const socketsOne: FakeSocket[] = [];
    const one = provider(relay, socketsOne);
    const two = provider(relay, []);
    await settle();
    socketsOne[0]?.drop(1006);
    one.doc.getMap("pages").set("offline", "mine");
    two.doc.getMap("pages").set("meanwhile", "theirs");
    await settle();
    await settle();
    expect(socketsOne.length).toBe(2);
    expect(one.doc.getMap("pages").toJSON()).toEqual({ offline: "mine", meanwhile: "theirs" });
    expect(two.doc.getMap("pages").toJSON()).toEqual({ offline: "mine", meanwhile: "theirs" });
  });

  test("relays presence", async () => {
    const relay = new Relay();
    const one = provider(relay, []);
    const two = provider(relay, []);
    await settle();
    one.awareness.setLocalState({ user: { id: "u1", name: "Ann", color: "#000" }, pageId: "p1", selection: ["w1"], cursor: null });
    await settle();
    expect(two.awareness.getStates().get(one.doc.clientID)).toMatchObject({ user: { name: "Ann" }, selection: ["w1"] });
  });

  test("sends a ping every heartbeat and takes the pong silently", async () => {
    vi.useFakeTimers();
    const relay = new Relay();
    const message = vi.fn();
    made.push(new CoEditProvider(new Y.Doc(), "app", { message }, { ...connectTo(relay, []), heartbeatMs: 20_000 }));
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(40_000);
    expect(relay.texts.filter((t) => t === '{"type":"ping"}').length).toBe(2);
    expect(message).not.toHaveBeenCalled();
  });

  test.each([4401, 4403, 4404])("close code %i stops with its message and does not retry", async (code) => {
    const relay = new Relay();
    const sockets: FakeSocket[] = [];
    const status = vi.fn();
    provider(relay, sockets, { status });
    await settle();
    sockets[0]?.drop(code);
    await settle();
    expect(sockets.length).toBe(1);
    expect(status).toHaveBeenLastCalledWith("closed", closeMeaning(code).message);
  });

  test.each([4400, 4408, 4409, 4413, 4429, 4500, 1006])("close code %i reconnects", async (code) => {
    const relay = new Relay();
    const sockets: FakeSocket[] = [];
    const p = provider(relay, sockets);
    await settle();
    sockets[0]?.drop(code);
    await settle();
    await settle();
    expect(sockets.length).toBe(2);
    expect(p.channel.isOpen).toBe(true);
  });

  test("says what the server gave as the reason before closing", async () => {
    const relay = new Relay();
    const sockets: FakeSocket[] = [];
    const status = vi.fn();
    provider(relay, sockets, { status });
    await settle();
    sockets[0]?.deliver(JSON.stringify({ type: "error", code: 4403, message: "This origin may not open live channels." }));
    sockets[0]?.drop(4403);
    expect(status).toHaveBeenLastCalledWith("closed", `${closeMeaning(4403).message} (This origin may not open live channels.)`);
  });

  test("passes the server's control frames on", async () => {
    const relay = new Relay();
    const sockets: FakeSocket[] = [];
    const message = vi.fn();
    provider(relay, sockets, { message });
    await settle();
    sockets[0]?.deliver(JSON.stringify({ type: "published", applicationId: "app" }));
    expect(message).toHaveBeenCalledWith({ type: "published", applicationId: "app" });
  });
});
