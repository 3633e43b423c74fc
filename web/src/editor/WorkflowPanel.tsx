/**
 * A workflow's Runs and Triggers, under its code in the JS editor: the runs (status, input and
 * output, the step timeline, cancel, retry), starting a run as edited, the webhook (URL, a token
 * shown once, rotate, revoke) and the schedule (cron, time zone, missed runs).
 */
import { useCallback, useEffect, useState } from "react";

import { messageOf } from "../engine/errors";
import { previewOf } from "./preview";
import { curlFor, duration, UNFINISHED, workflowApi, type RunDetail, type RunSummary, type Triggers } from "./workflowApi";

const POLL_MS = 1500;

export default function WorkflowPanel(props: { appId: string; workflowId: string; name: string }) {
  const [tab, setTab] = useState<"runs" | "triggers">("runs");
  return (
    <section className="lc-ed-workflow" aria-label="Workflow">
      <div role="tablist" className="lc-ed-workflow__tabs">
        <button type="button" role="tab" aria-selected={tab === "runs"} onClick={() => setTab("runs")}>
          Runs
        </button>
        <button type="button" role="tab" aria-selected={tab === "triggers"} onClick={() => setTab("triggers")}>
          Triggers
        </button>
      </div>
      {tab === "runs" ? <RunsPanel {...props} /> : <TriggersPanel workflowId={props.workflowId} />}
    </section>
  );
}

function RunsPanel(props: { appId: string; workflowId: string; name: string }) {
  const [runs, setRuns] = useState<readonly RunSummary[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const [detail, setDetail] = useState<RunDetail | null>(null);
  const [input, setInput] = useState("{}");
  const [problem, setProblem] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      const answer = await workflowApi.runs(props.appId, props.workflowId);
      setRuns(answer.runs);
      if (open) setDetail(await workflowApi.run(props.appId, open));
      setProblem(null);
    } catch (e) {
      setProblem(messageOf(e));
    }
  }, [props.appId, props.workflowId, open]);

  useEffect(() => {
    void refresh();
  }, [refresh]);
  const going = runs.some((r) => UNFINISHED.has(r.status)) || (detail !== null && UNFINISHED.has(detail.status));
  useEffect(() => {
    if (!going) return undefined;
    const timer = window.setInterval(() => void refresh(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [going, refresh]);

  const act = (work: () => Promise<unknown>) => {
    work().then(() => refresh(), (e: unknown) => setProblem(messageOf(e)));
  };
  const start = () => {
    let data: unknown;
    try {
      data = input.trim() === "" ? null : JSON.parse(input);
    } catch {
      setProblem("The input must be JSON.");
      return;
    }
    act(async () => {
      const run = await workflowApi.start(props.appId, props.workflowId, data);
      setOpen(run.id);
    });
  };

  return (
    <div className="lc-ed-runs" aria-label="Runs">
      <div className="lc-ed-runs__start">
        <label>
          Input (JSON) <textarea aria-label="Run input" rows={2} value={input} onChange={(e) => setInput(e.target.value)} />
        </label>
        <button type="button" className="lc-ed-primary" onClick={start}>
          Start run
        </button>
        <button type="button" onClick={() => void refresh()}>
          Refresh
        </button>
      </div>
      {problem && (
        <p className="lc-ed-bad" role="alert">
          {problem}
        </p>
      )}
      {runs.length === 0 ? (
        <p className="lc-ed-muted">No runs of {props.name} yet.</p>
      ) : (
        <table className="lc-ed-runs__list">
          <thead>
            <tr>
              <th>Started</th>
              <th>Status</th>
              <th>Trigger</th>
              <th>Took</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr
                key={run.id}
                data-run={run.id}
                data-status={run.status}
                aria-selected={run.id === open}
                onClick={() => {
                  setOpen(run.id);
                  setDetail(null);
                }}
              >
                <td>{new Date(run.createdAt).toLocaleString()}</td>
                <td>
                  <span className={`lc-ed-status lc-ed-status--${run.status}`}>{run.status}</span>
                </td>
                <td>{run.trigger ?? ""}</td>
                <td>{duration(run.createdAt, run.finishedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {detail && detail.id === open && (
        <RunView
          run={detail}
          onCancel={() => act(() => workflowApi.cancel(props.appId, detail.id))}
          onRetry={() => act(() => workflowApi.retry(props.appId, detail.id))}
        />
      )}
    </div>
  );
}

function RunView(props: { run: RunDetail; onCancel(): void; onRetry(): void }) {
  const { run } = props;
  return (
    <article className="lc-ed-run" aria-label="Run" data-status={run.status}>
      <header className="lc-ed-doc__head">
        <strong>Run {run.id.slice(0, 8)}</strong>
        <span className={`lc-ed-status lc-ed-status--${run.status}`}>{run.status}</span>
        {run.attempt && run.attempt > 1 ? <span>attempt {run.attempt}</span> : null}
        {UNFINISHED.has(run.status) && (
          <button type="button" onClick={props.onCancel}>
            Cancel run
          </button>
        )}
        {run.status === "failed" && (
          <button type="button" onClick={props.onRetry}>
            Retry from the failed step
          </button>
        )}
      </header>
      {run.error?.message && (
        <p className="lc-ed-bad" role="status">
          {run.error.stepName ? `${run.error.stepName}: ` : ""}
          {run.error.message}
        </p>
      )}
      <h4>Input</h4>
      <pre data-run-input>{previewOf(run.input, 4000)}</pre>
      {run.status === "succeeded" && (
        <>
          <h4>Output</h4>
          <pre data-run-output>{previewOf(run.output, 4000)}</pre>
        </>
      )}
      <h4>Steps</h4>
      <ol className="lc-ed-timeline" aria-label="Step timeline">
        {(run.steps ?? []).map((step) => (
          <li key={step.index} data-step-status={step.status}>
            <span className={`lc-ed-status lc-ed-status--${step.status}`}>{step.status}</span> <code>{step.kind}</code> {step.name}{" "}
            <span className="lc-ed-muted">
              {duration(step.startedAt, step.finishedAt)}
              {step.attempts > 1 ? `, ${step.attempts} attempts` : ""}
            </span>
            {step.error && <div className="lc-ed-bad">{step.error}</div>}
          </li>
        ))}
        {(run.steps ?? []).length === 0 && <li className="lc-ed-muted">No steps yet.</li>}
      </ol>
      {(run.requests ?? []).length > 0 && (
        <>
          <h4>Requests</h4>
          <ul>
            {(run.requests ?? []).map((r) => (
              <li key={r.id} data-request-status={r.status}>
                {r.name}: {r.status}
                {r.resolution ? ` (${r.resolution})` : ""} — for {[...r.users, ...r.groups.map((g) => `group ${g}`)].join(", ") || "nobody"}
              </li>
            ))}
          </ul>
        </>
      )}
    </article>
  );
}

function TriggersPanel(props: { workflowId: string }) {
  const [triggers, setTriggers] = useState<Triggers | null>(null);
  const [token, setToken] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [cron, setCron] = useState("0 * * * *");
  const [timezone, setTimezone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
  const [missedRuns, setMissedRuns] = useState<"skip" | "runOnce">("skip");
  const [enabled, setEnabled] = useState(true);

  const load = useCallback(() => {
    workflowApi.triggers(props.workflowId).then(
      (t) => {
        setTriggers(t);
        if (t.schedule) {
          setCron(t.schedule.cron);
          setTimezone(t.schedule.timezone);
          setMissedRuns(t.schedule.missedRuns);
          setEnabled(t.schedule.enabled);
        }
      },
      (e: unknown) => setProblem(messageOf(e)),
    );
  }, [props.workflowId]);
  useEffect(load, [load]);

  const act = (work: () => Promise<unknown>) => {
    setProblem(null);
    work().then(load, (e: unknown) => setProblem(messageOf(e)));
  };
  const webhook = triggers?.webhook ?? null;
  const schedule = triggers?.schedule ?? null;

  return (
    <div className="lc-ed-triggers" aria-label="Triggers">
      {problem && (
        <p className="lc-ed-bad" role="alert">
          {problem}
        </p>
      )}
      <fieldset aria-label="Webhook">
        <legend>Webhook</legend>
        {webhook ? (
          <>
            <p>
              <code data-webhook-url>{webhook.url}</code>
            </p>
            <p className="lc-ed-muted">
              Token {webhook.prefix}… {webhook.lastUsedAt ? `last used ${new Date(webhook.lastUsedAt).toLocaleString()}` : "not used yet"}
            </p>
          </>
        ) : (
          <p className="lc-ed-muted">No webhook: nothing outside Lowcraft can start this workflow.</p>
        )}
        {token && (
          <div className="lc-ed-token" role="status">
            <p>Copy the token now: it is not shown again.</p>
            <code data-webhook-token>{token}</code>
            <pre>{curlFor(webhook?.url ?? "", token)}</pre>
          </div>
        )}
        <button type="button" onClick={() => act(async () => setToken((await workflowApi.makeToken(props.workflowId)).token))}>
          {webhook ? "Rotate token" : "Create webhook"}
        </button>
        {webhook && (
          <button
            type="button"
            onClick={() => {
              if (window.confirm("Revoke the webhook? Callers using its token are refused from now on.")) {
                act(async () => {
                  await workflowApi.revoke(props.workflowId);
                  setToken(null);
                });
              }
            }}
          >
            Revoke
          </button>
        )}
      </fieldset>
      <fieldset aria-label="Schedule">
        <legend>Schedule</legend>
        <label>
          Cron <input aria-label="Cron expression" value={cron} onChange={(e) => setCron(e.target.value)} placeholder="*/15 * * * *" />
        </label>
        <label>
          Time zone <input aria-label="Time zone" value={timezone} onChange={(e) => setTimezone(e.target.value)} />
        </label>
        <label>
          Missed runs{" "}
          <select aria-label="Missed runs" value={missedRuns} onChange={(e) => setMissedRuns(e.target.value as "skip" | "runOnce")}>
            <option value="skip">Skip them</option>
            <option value="runOnce">Run once</option>
          </select>
        </label>
        <label>
          <input type="checkbox" aria-label="Schedule enabled" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled
        </label>
        <button type="button" className="lc-ed-primary" onClick={() => act(() => workflowApi.saveSchedule(props.workflowId, { cron, timezone, missedRuns, enabled }))}>
          Save schedule
        </button>
        {schedule && (
          <button type="button" onClick={() => act(() => workflowApi.removeSchedule(props.workflowId))}>
            Remove schedule
          </button>
        )}
        {schedule?.nextFireAt && <p className="lc-ed-muted" data-next-fire>Next run {new Date(schedule.nextFireAt).toLocaleString()}</p>}
      </fieldset>
    </div>
  );
}
