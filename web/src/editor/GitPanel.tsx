/**
 * The editor's Git panel: connect the app to a repository (HTTPS with a token, or SSH with a deploy
 * key shown once), what changed since the last commit, commit, pull, push, discard, the branch
 * picker (create, switch, delete, merge into the current one), and a merge's conflicts. Every
 * operation saves pending edits first; one that changes the edit state reloads the editor.
 */
import { useCallback, useEffect, useState } from "react";

import { messageOf } from "./editorApi";
import { gitApi, notifyGitChanged, type GitBranch, type GitConflict, type GitConnection, type GitPendingMerge, type GitStatus } from "./gitApi";
import GitConflicts from "./GitConflicts";
import GitHostKey from "./GitHostKey";
import {
  badgeOf,
  branchChoices,
  branchNameProblem,
  changesEditState,
  connectBody,
  connectProblem,
  deleteProblem,
  EMPTY_CONNECT_FORM,
  entityLabel,
  groupChanges,
  outcomeMessage,
  shortCommit,
  type ConnectForm,
} from "./gitModel";

export interface GitPanelProps {
  readonly appId: string;
  /** Save what the editor has not saved yet (a commit takes the saved edit state). */
  flush(): Promise<void>;
  /** The app's edit state changed on the server (pull, switch, discard, merge): load it again. */
  onEditStateChanged(message: string): void;
}

function ConnectView(props: { appId: string; connection: GitConnection | null; busy: boolean; run: (label: string, op: () => Promise<unknown>) => Promise<void> }) {
  const [form, setForm] = useState<ConnectForm>(EMPTY_CONNECT_FORM);
  const [publicKey, setPublicKey] = useState<string | null>(props.connection?.publicKey ?? null);
  const hasKey = Boolean(publicKey && !publicKey.startsWith("Error: "));
  const problem = connectProblem(form, hasKey);
  const set = (changes: Partial<ConnectForm>) => setForm({ ...form, ...changes });
  return (
    <form
      className="lc-ed-form"
      aria-label="Connect to Git"
      onSubmit={(e) => {
        e.preventDefault();
        if (!problem) void props.run("Connecting…", () => gitApi.connect(props.appId, connectBody(form)));
      }}
    >
      <p>Keep this app in a Git repository: commit, branch, review and merge it as files (docs/app-format.md, “Repository layout”).</p>
      <label>
        Repository URL <input value={form.remoteUrl} onChange={(e) => set({ remoteUrl: e.target.value })} placeholder="https://git.example.com/team/apps.git" />
      </label>
      <fieldset>
        <legend>Authentication</legend>
        <label className="lc-ed-form__check">
          <input type="radio" name="git-auth" checked={form.auth === "token"} onChange={() => set({ auth: "token" })} /> HTTPS with a token
        </label>
        <label className="lc-ed-form__check">
          <input type="radio" name="git-auth" checked={form.auth === "ssh"} onChange={() => set({ auth: "ssh" })} /> SSH with a deploy key
        </label>
        {form.auth === "token" ? (
          <>
            <label>
              User name (optional) <input value={form.username} onChange={(e) => set({ username: e.target.value })} autoComplete="off" />
            </label>
            <label>
              Token <input type="password" value={form.token} onChange={(e) => set({ token: e.target.value })} autoComplete="off" />
            </label>
          </>
        ) : (
          <div>
            <button type="button" disabled={props.busy} onClick={() => void gitApi.createDeployKey(props.appId).then((k) => setPublicKey(k.publicKey), (e: unknown) => setPublicKey(`Error: ${messageOf(e)}`))}>
              {hasKey ? "Generate a new deploy key" : "Generate deploy key"}
            </button>
            {publicKey && (
              <label>
                Public key: add it to the repository as a deploy key with write access (it is shown once)
                <textarea readOnly rows={3} value={publicKey} aria-label="Deploy key" />
              </label>
            )}
            <label>
              Server's SSH host key (optional: paste the key or known_hosts line your Git host publishes; left empty, the key the server presents now is pinned and its fingerprint shown in Settings to compare)
              <textarea rows={2} value={form.hostKey} onChange={(e) => set({ hostKey: e.target.value })} aria-label="Host key" placeholder="github.com ssh-ed25519 AAAA…" />
            </label>
          </div>
        )}
      </fieldset>
      <label>
        Branch (optional) <input value={form.branch} onChange={(e) => set({ branch: e.target.value })} placeholder="main" />
      </label>
      <label>
        Folder in the repository (optional) <input value={form.folder} onChange={(e) => set({ folder: e.target.value })} placeholder="apps/orders" />
      </label>
      <label className="lc-ed-form__check">
        <input type="checkbox" checked={form.useRepository} onChange={(e) => set({ useRepository: e.target.checked })} /> The folder already holds this app: load it from the repository
      </label>
      {problem && form.remoteUrl && <p className="lc-ed-muted">{problem}</p>}
      <button type="submit" className="lc-ed-primary" disabled={props.busy || problem !== null}>
        Connect
      </button>
    </form>
  );
}

function BranchPicker(props: { appId: string; status: GitStatus; branches: readonly GitBranch[]; busy: boolean; run: (label: string, op: () => Promise<unknown>, reloads?: string) => Promise<void> }) {
  const choices = branchChoices(props.branches);
  const [picked, setPicked] = useState(props.status.currentBranch);
  const [name, setName] = useState("");
  const target = choices.find((b) => b.name === picked) ?? null;
  const nameProblem = name ? branchNameProblem(name, props.branches) : null;
  return (
    <section aria-label="Branches" className="lc-git-section">
      <h3>Branches</h3>
      <div className="lc-git-row">
        <select aria-label="Branch" value={picked} onChange={(e) => setPicked(e.target.value)}>
          {choices.map((b) => (
            <option key={b.name} value={b.name}>
              {b.name}
              {b.current ? " (current)" : ""}
              {b.protected ? " 🔒" : ""}
              {!b.local ? " (remote)" : ""}
            </option>
          ))}
        </select>
        <button type="button" disabled={props.busy || !target || target.current} onClick={() => void props.run(`Switching to ${picked}…`, () => gitApi.switchBranch(props.appId, picked), `Now editing branch ${picked}.`)}>
          Switch
        </button>
        <button type="button" disabled={props.busy || !target || target.current} onClick={() => void props.run(`Merging ${picked}…`, () => gitApi.merge(props.appId, picked))}>
          Merge into {props.status.currentBranch}
        </button>
        <button
          type="button"
          disabled={props.busy || !target || deleteProblem(target) !== null}
          title={target ? (deleteProblem(target) ?? "") : ""}
          onClick={() => {
            if (target && window.confirm(`Delete branch ${target.name}${target.remote ? " here and on the remote" : ""}?`)) void props.run(`Deleting ${target.name}…`, () => gitApi.deleteBranch(props.appId, target.name, target.remote));
          }}
        >
          Delete
        </button>
      </div>
      <form
        className="lc-git-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (name && !nameProblem) void props.run(`Creating ${name}…`, () => gitApi.createBranch(props.appId, name.trim(), picked)).then(() => setName(""));
        }}
      >
        <input aria-label="New branch name" value={name} onChange={(e) => setName(e.target.value)} placeholder="feature/new-report" />
        <button type="submit" disabled={props.busy || !name || nameProblem !== null}>
          Create from {picked}
        </button>
      </form>
      {nameProblem && <p className="lc-ed-muted">{nameProblem}</p>}
    </section>
  );
}

function SettingsSection(props: { appId: string; status: GitStatus; busy: boolean; run: (label: string, op: () => Promise<unknown>) => Promise<void> }) {
  const { status } = props;
  const [protectedText, setProtectedText] = useState(status.protectedBranches.join(", "));
  return (
    <details className="lc-git-section" open={status.authKind === "ssh" && status.hostKeys.length === 0}>
      <summary>Settings</summary>
      <label className="lc-ed-form__check">
        <input type="checkbox" checked={status.autoCommitOnPublish} disabled={props.busy} onChange={(e) => void props.run("Saving…", () => gitApi.updateSettings(props.appId, { autoCommitOnPublish: e.target.checked }))} /> Commit on publish
      </label>
      <p>
        Published from <strong>{status.publishedBranch}</strong>; default branch <strong>{status.defaultBranch}</strong>.
      </p>
      <label>
        Protected branches (comma separated; workspace administrators)
        <input value={protectedText} onChange={(e) => setProtectedText(e.target.value)} />
      </label>
      <button type="button" disabled={props.busy} onClick={() => void props.run("Saving…", () => gitApi.updateSettings(props.appId, { protectedBranches: protectedText.split(",").map((s) => s.trim()).filter(Boolean) }))}>
        Save protected branches
      </button>
      {status.authKind === "ssh" && <GitHostKey appId={props.appId} hostKeys={status.hostKeys} busy={props.busy} run={props.run} />}
      <button type="button" disabled={props.busy} onClick={() => window.confirm("Disconnect this app from its repository? The app keeps its edit state.") && void props.run("Disconnecting…", () => gitApi.disconnect(props.appId))}>
        Disconnect
      </button>
    </details>
  );
}

export default function GitPanel(props: GitPanelProps) {
  const { appId } = props;
  const [connection, setConnection] = useState<GitConnection | null>(null);
  const [status, setStatus] = useState<GitStatus | null>(null);
  const [branches, setBranches] = useState<GitBranch[]>([]);
  const [merge, setMerge] = useState<GitPendingMerge | null>(null);
  const [busy, setBusy] = useState<string | null>("Loading…");
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [message, setMessage] = useState("");

  const refresh = useCallback(
    async (fetchRemote = false) => {
      const conn = await gitApi.connection(appId);
      setConnection(conn);
      if (!conn.connected) {
        setStatus(null);
        setMerge(null);
        return;
      }
      const [st, br] = await Promise.all([gitApi.status(appId, fetchRemote), gitApi.branches(appId)]);
      setStatus(st);
      setBranches(br);
      setMerge(st.mergePending ? await gitApi.pendingMerge(appId) : null);
    },
    [appId],
  );

  useEffect(() => {
    props
      .flush()
      .then(() => refresh())
      .catch((e: unknown) => setError(messageOf(e)))
      .finally(() => setBusy(null));
    // On opening only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [refresh]);

  /** Run one operation: pending edits saved first, then the panel and the badge refreshed. An
   * answer that changed the edit state (or `reloads`, a message) reloads the editor. */
  const run = useCallback(
    async (label: string, op: () => Promise<unknown>, reloads?: string) => {
      setBusy(label);
      setError(null);
      setNotice(null);
      try {
        await props.flush();
        const result = await op();
        let reload = reloads ?? null;
        if (result && typeof result === "object" && "result" in result && "conflicts" in result) {
          const outcome = result as Parameters<typeof outcomeMessage>[1];
          const words = outcomeMessage(label.startsWith("Pull") ? "Pull" : "Merge", outcome);
          if (changesEditState(outcome)) reload = words;
          else setNotice(words);
        }
        notifyGitChanged();
        if (reload) {
          props.onEditStateChanged(reload);
          return;
        }
        await refresh();
      } catch (e) {
        setError(messageOf(e));
        await refresh().catch(() => undefined);
      } finally {
        setBusy(null);
      }
    },
    [props, refresh],
  );

  const resolve = (conflict: GitConflict, choice: "mine" | "theirs" | "edit", value?: unknown) => {
    setBusy("Resolving…");
    setError(null);
    gitApi
      .resolve(appId, conflict.id, choice, value)
      .then(setMerge, (e: unknown) => setError(messageOf(e)))
      .finally(() => setBusy(null));
  };

  const badge = badgeOf(status ?? connection);
  return (
    <div className="lc-ed-doc lc-git" aria-label="Git">
      <h2>
        Git <span className={`lc-git-badge lc-git-badge--${badge.tone}`}>{badge.label}</span>
      </h2>
      {busy && (
        <p role="status" aria-busy="true">
          {busy}
        </p>
      )}
      {error && (
        <p role="alert" className="lc-git-error">
          {error}
        </p>
      )}
      {notice && <p role="status">{notice}</p>}
      {connection && !connection.connected && <ConnectView appId={appId} connection={connection} busy={busy !== null} run={run} />}
      {status && (
        <>
          <p className="lc-ed-muted">
            {status.remoteUrl}
            {status.folder ? ` · folder ${status.folder}` : ""} · on <strong data-git-branch={status.currentBranch}>{status.currentBranch}</strong> at {shortCommit(status.headCommit)}
            {status.protectedBranches.includes(status.currentBranch) ? " · protected: merge into it from another branch" : ""}
          </p>
          {merge ? (
            <GitConflicts
              merge={merge}
              busy={busy !== null}
              onResolve={resolve}
              onComplete={() => void run("Completing the merge…", () => gitApi.completeMerge(appId))}
              onAbort={() => void run("Aborting the merge…", () => gitApi.abortMerge(appId))}
            />
          ) : (
            <>
              <section aria-label="Changes" className="lc-git-section">
                <h3>
                  {status.clean ? "No uncommitted changes" : `${status.changes.length} uncommitted change${status.changes.length === 1 ? "" : "s"}`}
                  {status.ahead ? ` · ${status.ahead} to push` : ""}
                  {status.behind ? ` · ${status.behind} to pull` : ""}
                </h3>
                {groupChanges(status.changes).map((group) => (
                  <div key={group.page || "(app)"}>
                    <div className="lc-git-group">{group.page ? `Page ${group.page}` : "App"}</div>
                    <ul>
                      {group.changes.map((c) => (
                        <li key={c.id} className={`lc-git-change lc-git-change--${c.change}`}>
                          {entityLabel(c)} <span className="lc-ed-muted">{c.change}</span>
                        </li>
                      ))}
                    </ul>
                  </div>
                ))}
                <form
                  onSubmit={(e) => {
                    e.preventDefault();
                    if (message.trim()) void run("Committing…", () => gitApi.commit(appId, message.trim())).then(() => setMessage(""));
                  }}
                >
                  <textarea aria-label="Commit message" rows={2} value={message} onChange={(e) => setMessage(e.target.value)} placeholder="What changed, for the reviewer" />
                  <div className="lc-git-row">
                    <button type="submit" className="lc-ed-primary" disabled={busy !== null || status.clean || !message.trim()}>
                      Commit
                    </button>
                    <button type="button" disabled={busy !== null} onClick={() => void run("Pulling…", () => gitApi.pull(appId))}>
                      Pull
                    </button>
                    <button type="button" disabled={busy !== null} onClick={() => void run("Pushing…", () => gitApi.push(appId))}>
                      Push
                    </button>
                    <button type="button" disabled={busy !== null} onClick={() => void run("Fetching…", () => refresh(true))}>
                      Refresh
                    </button>
                    <button
                      type="button"
                      disabled={busy !== null || status.clean}
                      onClick={() => window.confirm("Discard every uncommitted change? The app goes back to the last commit.") && void run("Discarding…", () => gitApi.discard(appId), "Uncommitted changes discarded.")}
                    >
                      Discard changes
                    </button>
                  </div>
                </form>
              </section>
              <BranchPicker key={status.currentBranch} appId={appId} status={status} branches={branches} busy={busy !== null} run={run} />
              <SettingsSection key={status.protectedBranches.join(",")} appId={appId} status={status} busy={busy !== null} run={run} />
            </>
          )}
        </>
      )}
    </div>
  );
}
