/** A merge waiting for resolutions: each conflicting entity side by side (mine, theirs) with keep
 * mine / take theirs / edit; the merge completes once every conflict is resolved. */
import { useState } from "react";

import type { GitConflict, GitPendingMerge } from "./gitApi";
import { editStart, entityLabel, mergeProgress, parseEdit, resolutionLabel, resolutionOf, sideBySide, type DiffLine } from "./gitModel";

export interface GitConflictsProps {
  readonly merge: GitPendingMerge;
  readonly busy: boolean;
  onResolve(conflict: GitConflict, choice: "mine" | "theirs" | "edit", value?: unknown): void;
  onComplete(): void;
  onAbort(): void;
}

function Side(props: { title: string; lines: readonly DiffLine[] }) {
  return (
    <div className="lc-git-side">
      <div className="lc-git-side__title">{props.title}</div>
      <pre>
        {props.lines.map((line, i) => (
          <div key={i} className={line.differs ? "lc-git-differs" : undefined}>
            {line.text || " "}
          </div>
        ))}
      </pre>
    </div>
  );
}

function ConflictCard(props: { conflict: GitConflict; busy: boolean; onResolve: GitConflictsProps["onResolve"] }) {
  const { conflict } = props;
  const [editing, setEditing] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const resolution = resolutionOf(conflict);
  const sides = sideBySide(conflict.mine, conflict.theirs);
  const where = conflict.page ? ` on page ${conflict.page}` : "";
  return (
    <section className="lc-git-conflict" aria-label={`Conflict: ${entityLabel(conflict)}${where}`} data-conflict={conflict.id}>
      <h4>
        {entityLabel(conflict)}
        {where} <span className={`lc-git-resolution${resolution ? " lc-git-resolution--done" : ""}`}>{resolutionLabel(resolution)}</span>
      </h4>
      <div className="lc-git-sides">
        <Side title="Mine (this branch)" lines={sides.mine} />
        <Side title="Theirs (incoming)" lines={sides.theirs} />
      </div>
      {editing === null ? (
        <div className="lc-git-row">
          <button type="button" disabled={props.busy} aria-pressed={resolution?.choice === "mine"} onClick={() => props.onResolve(conflict, "mine")}>
            Keep mine
          </button>
          <button type="button" disabled={props.busy} aria-pressed={resolution?.choice === "theirs"} onClick={() => props.onResolve(conflict, "theirs")}>
            Take theirs
          </button>
          <button type="button" disabled={props.busy} aria-pressed={resolution?.choice === "edit"} onClick={() => [setEditing(editStart(conflict)), setProblem(null)]}>
            Edit
          </button>
        </div>
      ) : (
        <div className="lc-git-edit">
          <label>
            The merged value (JSON; empty deletes it)
            <textarea rows={12} value={editing} spellCheck={false} onChange={(e) => setEditing(e.target.value)} />
          </label>
          {problem && <p role="alert">{problem}</p>}
          <div className="lc-git-row">
            <button
              type="button"
              disabled={props.busy}
              onClick={() => {
                const parsed = parseEdit(conflict, editing);
                if ("problem" in parsed) return setProblem(parsed.problem);
                setEditing(null);
                props.onResolve(conflict, "edit", parsed.value);
              }}
            >
              Use this value
            </button>
            <button type="button" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

export default function GitConflicts(props: GitConflictsProps) {
  const { merge } = props;
  const progress = mergeProgress(merge.conflicts);
  return (
    <div className="lc-git-merge" aria-label="Conflicts">
      <h3>{merge.kind === "pull" ? `Pulling ${merge.source}` : `Merging ${merge.source}`}: resolve the conflicts</h3>
      <p>
        Nothing in the app has changed yet. Choose, for each entity changed on both sides, which version to keep. <span role="status">{progress.text}</span>
      </p>
      {merge.conflicts.map((c) => (
        <ConflictCard key={c.id} conflict={c} busy={props.busy} onResolve={props.onResolve} />
      ))}
      <div className="lc-git-row">
        <button type="button" className="lc-ed-primary" disabled={props.busy || !progress.complete} onClick={props.onComplete}>
          Complete the merge
        </button>
        <button type="button" disabled={props.busy} onClick={props.onAbort}>
          Abort the merge
        </button>
      </div>
    </div>
  );
}
