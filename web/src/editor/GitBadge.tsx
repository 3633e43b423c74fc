/** The top bar's Git button: the branch, uncommitted changes and commits to push or pull; opens
 * the Git panel. Refreshed after each Git operation and each saved change. */
import { useEffect, useState } from "react";

import { gitApi, gitSignal, type GitConnection, type GitStatus } from "./gitApi";
import { badgeOf } from "./gitModel";

const REFRESH_DELAY_MS = 800;

export default function GitBadge(props: { appId: string; saveStatus: string; onOpen(): void }) {
  const [status, setStatus] = useState<GitStatus | GitConnection | null>(null);
  const { appId, saveStatus } = props;
  useEffect(() => {
    let alive = true;
    let timer: number | undefined;
    const load = () =>
      gitApi
        .connection(appId)
        .then((conn) => (conn.connected && !conn.mergePending ? gitApi.status(appId) : conn))
        .then((s) => alive && setStatus(s), () => undefined);
    const later = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => void load(), REFRESH_DELAY_MS);
    };
    if (saveStatus === "saved") later();
    gitSignal.addEventListener("changed", later);
    return () => {
      alive = false;
      window.clearTimeout(timer);
      gitSignal.removeEventListener("changed", later);
    };
  }, [appId, saveStatus]);
  const badge = badgeOf(status);
  return (
    <button type="button" className={`lc-git-badge lc-git-badge--${badge.tone}`} title={badge.title} aria-label={`Git: ${badge.title}`} data-git-badge={badge.tone} onClick={props.onOpen}>
      {badge.label}
    </button>
  );
}
