/**
 * A viewer's page follows its app's publishes on the `view:` channel: untouched, it reloads; once
 * someone typed into it, it offers to (the banner) so nothing typed is lost.
 */
import { describe, expect, test, vi } from "vitest";

import type { SocketLike } from "../realtime/channel";
import { followPublishes } from "./publishNotice";

class Sock implements SocketLike {
  binaryType = "";
  readyState = 0;
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  sent: unknown[] = [];
  constructor() {
    queueMicrotask(() => {
      this.readyState = 1;
      this.onopen?.({});
    });
  }
  send(data: string | Uint8Array) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
  }
}

function setup() {
  const page = new EventTarget();
  const sockets: Sock[] = [];
  const on = { untouched: vi.fn(), touched: vi.fn() };
  const stop = followPublishes("app1", on, page as unknown as Document, {
    url: "ws://test/api/v1/ws?channel=view:app1",
    connect: (url) => {
      expect(url).toContain("channel=view:app1");
      const s = new Sock();
      sockets.push(s);
      return s;
    },
    events: null,
  });
  const publish = () => sockets[0]?.onmessage?.({ data: JSON.stringify({ type: "published", applicationId: "app1" }) });
  return { page, on, stop, publish };
}

const opened = () => new Promise((r) => setTimeout(r, 1));

describe("a viewer following publishes", () => {
  test("an untouched page reloads itself", async () => {
    const { on, publish, stop } = setup();
    await opened();
    publish();
    expect(on.untouched).toHaveBeenCalledTimes(1);
    expect(on.touched).not.toHaveBeenCalled();
    stop();
  });

  test("a page someone typed into offers to reload instead", async () => {
    const { page, on, publish, stop } = setup();
    await opened();
    page.dispatchEvent(new Event("input"));
    publish();
    expect(on.touched).toHaveBeenCalledTimes(1);
    expect(on.untouched).not.toHaveBeenCalled();
    stop();
  });

  test("other frames are not a publish", async () => {
    const { on, stop, page } = setup();
    await opened();
    page.dispatchEvent(new Event("change"));
    expect(on.touched).not.toHaveBeenCalled();
    stop();
  });
});
