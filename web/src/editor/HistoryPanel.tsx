/**
 * The History panel: the app's versions (each publish, each restore) with who, when and why; open
 * one in the viewer, compare any two (or one with the edit state) entity by entity, restore one as
 * the edit state after a confirmation. Editor-only: the viewer never imports it.
 */
import { useCallback, useEffect, useState } from "react";

import { useConfirm } from "../ui/ConfirmDialog";
import { messageOf } from "./editorApi";
import {
  countsText,
  EDIT_STATE,
  fieldChanges,
  groupChanges,
  kindName,
  valueText,
  versionByline,
  versionTitle,
  versionViewHref,
  versionsApi,
  type VersionComparison,
  type VersionSummary,
} from "./versionHistory";

export function VersionRows(props: { appId: string; versions: readonly VersionSummary[]; onRestore(v: VersionSummary): void }) {
  return (
    <ol className="lc-history__list" aria-label="Versions">
      {props.versions.map((v) => (
        <li key={v.id} className="lc-history__version" data-version={v.number}>
          <div>
            <strong>{versionTitle(v)}</strong>
            {v.isPublished && <span className="lc-history__badge">Published</span>}
            {v.kind === "restore" && <span className="lc-history__badge lc-history__badge--restore">Restore</span>}
          </div>
          {v.message && <p className="lc-history__message">{v.message}</p>}
          <div className="lc-ed-muted">{versionByline(v)}</div>
          <div className="lc-history__actions">
            <a href={versionViewHref(props.appId, v.id)} target="_blank" rel="noopener">
              View
            </a>
            <button type="button" onClick={() => props.onRestore(v)}>
              Restore…
            </button>
          </div>
        </li>
      ))}
    </ol>
  );
}

export function ComparisonView({ comparison }: { comparison: VersionComparison }) {
  const side = (v: VersionSummary | null) => (v ? versionTitle(v) : "the edit state");
  return (
    <section className="lc-history__comparison" aria-label="Changes">
      <h3>{`From ${side(comparison.before)} to ${side(comparison.after)}`}</h3>
      <p data-testid="history-counts">{countsText(comparison.counts)}</p>
      {groupChanges(comparison.changes).map((group) => (
        <div key={group.title} className="lc-history__group">
          <h4>{group.title}</h4>
          <ul>
            {group.changes.map((c) => (
              <li key={`${c.kind}:${c.name}`} className={`lc-history__change lc-history__change--${c.change}`} data-entity={`${c.kind}:${c.name}`}>
                <span className="lc-history__what">
                  {kindName(c.kind)} <code>{c.name}</code> {c.change}
                </span>
                {c.change === "changed" ? (
                  <table className="lc-history__fields">
                    <thead>
                      <tr>
                        <th>Property</th>
                        <th>Before</th>
                        <th>After</th>
                      </tr>
                    </thead>
                    <tbody>
                      {fieldChanges(c).map((f) => (
                        <tr key={f.field}>
                          <th scope="row">{f.field}</th>
                          <td>
                            <pre>{f.before}</pre>
                          </td>
                          <td>
                            <pre>{f.after}</pre>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : (
                  <details>
                    <summary>{c.change === "added" ? "Added as" : "Was"}</summary>
                    <pre>{valueText(c.change === "added" ? c.after : c.before)}</pre>
                  </details>
                )}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

export interface HistoryPanelProps {
  readonly appId: string;
  /** Save what is pending, restore the version, and load the edit state it became. */
  onRestore(version: VersionSummary): Promise<void>;
}

export default function HistoryPanel({ appId, onRestore }: HistoryPanelProps) {
  const [versions, setVersions] = useState<VersionSummary[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState(EDIT_STATE);
  const [comparison, setComparison] = useState<VersionComparison | null>(null);
  const { confirm, dialog } = useConfirm();

  const load = useCallback(
    (before: number | null) =>
      versionsApi.list(appId, before).then(
        (page) => {
          setVersions((list) => (before === null ? [...page.versions] : [...list, ...page.versions]));
          setNextBefore(page.nextBefore);
          if (before === null) {
            const [newest] = page.versions;
            setFrom((f) => f || (newest?.id ?? ""));
          }
          setLoaded(true);
        },
        (e: unknown) => setProblem(messageOf(e)),
      ),
    [appId],
  );
  useEffect(() => void load(null), [load]);

  const compare = () => {
    setProblem(null);
    versionsApi.compare(appId, from, to).then(setComparison, (e: unknown) => setProblem(messageOf(e)));
  };
  const restore = (v: VersionSummary) => {
    void confirm({
      title: `Restore ${versionTitle(v)}?`,
      message:
        `Its pages, queries, JS objects, theme and settings become the edit state, replacing what is there now ` +
        `(changes not published are kept only in the versions above). Viewers see it after the next publish. ` +
        `The restore is recorded as a new version.`,
      confirmLabel: "Restore",
      danger: true,
    }).then((yes) => {
      if (!yes) return;
      onRestore(v).then(
        () => void load(null),
        (e: unknown) => setProblem(messageOf(e)),
      );
    });
  };

  const options = [{ id: EDIT_STATE, label: "Edit state (now)" }, ...versions.map((v) => ({ id: v.id, label: versionTitle(v) }))];
  return (
    <div className="lc-ed-doc lc-history">
      <h2>History</h2>
      <p className="lc-ed-muted">Every publish is kept as a version. Restoring one makes it the edit state; publish to show it to viewers.</p>
      {problem !== null && (
        <p className="lc-notice lc-notice--error" role="alert">
          {problem}
        </p>
      )}
      {loaded && versions.length === 0 && <p>No versions yet: publish the app to keep its first.</p>}
      {versions.length > 0 && (
        <div className="lc-history__compare">
          <label>
            From{" "}
            <select aria-label="Compare from" value={from} onChange={(e) => setFrom(e.target.value)}>
              {options.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            To{" "}
            <select aria-label="Compare to" value={to} onChange={(e) => setTo(e.target.value)}>
              {options.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={compare} disabled={from === to}>
            Compare
          </button>
        </div>
      )}
      {comparison && <ComparisonView comparison={comparison} />}
      <VersionRows appId={appId} versions={versions} onRestore={restore} />
      {nextBefore !== null && (
        <button type="button" onClick={() => void load(nextBefore)}>
          Older versions
        </button>
      )}
      {dialog}
    </div>
  );
}
