/**
 * A published app learns of a new publish (the `view:` channel of /api/v1/ws, docs/realtime.md):
 * a page nobody has typed into since it loaded reloads itself; otherwise a banner offers to
 * reload, so nothing typed is lost. Yjs-free (the viewer's first load stays small).
 */
import { useEffect, useState } from "react";

import { Channel, channelUrl, type ChannelOptions } from "../realtime/channel";

/**
 * Follow an app's publishes: `untouched()` when nobody typed into the page since this started,
 * `touched()` otherwise. Returns the function that stops following.
 */
export function followPublishes(
  applicationId: string,
  on: { untouched(): void; touched(): void },
  page: Pick<Document, "addEventListener" | "removeEventListener"> = document,
  options: Partial<ChannelOptions> = {},
): () => void {
  let typed = false;
  const touch = () => {
    typed = true;
  };
  page.addEventListener("input", touch, true);
  page.addEventListener("change", touch, true);
  const channel = new Channel(
    { url: options.url ?? channelUrl(`view:${applicationId}`), ...options },
    {
      text: (message) => {
        if (message["type"] !== "published") return;
        if (typed) on.touched();
        else on.untouched();
      },
    },
  );
  return () => {
    channel.stop();
    page.removeEventListener("input", touch, true);
    page.removeEventListener("change", touch, true);
  };
}

export function usePublishNotice(applicationId: string | undefined): { shown: boolean; dismiss(): void } {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (!applicationId) return undefined;
    return followPublishes(applicationId, { untouched: () => window.location.reload(), touched: () => setShown(true) });
  }, [applicationId]);
  return { shown, dismiss: () => setShown(false) };
}

export function PublishBanner(props: { onDismiss(): void }) {
  return (
    <p className="lc-notice" role="status" data-testid="publish-banner">
      A new version of this app was published.{" "}
      <button type="button" onClick={() => window.location.reload()}>
        Reload
      </button>{" "}
      <button type="button" onClick={props.onDismiss}>
        Later
      </button>
    </p>
  );
}
