/**
 * A published app learns of a new publish (the `view:` channel of /api/v1/ws, docs/realtime.md):
 * a page nobody has typed into since it loaded reloads itself; otherwise a banner offers to
 * reload, so nothing typed is lost. Yjs-free (the viewer's first load stays small).
 */
import { useEffect, useState } from "react";

import { Channel, channelUrl } from "../realtime/channel";

export function usePublishNotice(applicationId: string | undefined, reload: () => void = () => window.location.reload()): { shown: boolean; dismiss(): void } {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (!applicationId) return undefined;
    let touched = false;
    const touch = () => {
      touched = true;
    };
    document.addEventListener("input", touch, true);
    document.addEventListener("change", touch, true);
    const channel = new Channel(
      { url: channelUrl(`view:${applicationId}`) },
      {
        text: (message) => {
          if (message["type"] !== "published") return;
          if (touched) setShown(true);
          else reload();
        },
      },
    );
    return () => {
      channel.stop();
      document.removeEventListener("input", touch, true);
      document.removeEventListener("change", touch, true);
    };
  }, [applicationId, reload]);
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
