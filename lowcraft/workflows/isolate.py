"""The process that runs workflow scripts: one V8 isolate (mini-racer) per script run.

Run as a script (`python isolate.py`) by `sandbox.py`, it reads one JSON request per line on
stdin and answers one JSON line on stdout. It imports nothing from Lowcraft: the script sees only
what the prelude below gives it (the step functions, `lowcraft`, `console`), no network, no files,
no Python. A script that computes too long is stopped by its parent ending this process (a V8
timeout cannot stop code that runs after an `await`: mini-racer runs those continuations outside
the evaluation the timeout guards); one that allocates past the memory cap is stopped by V8 here.

Request: {"code", "input", "recorded": [{"kind", "name", "ok", "value", "error", "at"}], "actions":
{name: [binding source]}, "seed", "now", "memoryMb"}. Answer: {"type": "step", "index", "kind",
"name", "args"} (the next step to run), {"type": "done", "output"} or {"type": "error", "message",
"step", "limit"}.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

PRELUDE = r"""
(function (setup) {
  const RealDate = Date;
  let clock = setup.now;
  function LcDate(...args) {
    if (!new.target) return new RealDate(clock).toString();
    return args.length ? new RealDate(...args) : new RealDate(clock);
  }
  LcDate.now = () => clock;
  LcDate.UTC = RealDate.UTC;
  LcDate.parse = RealDate.parse;
  LcDate.prototype = RealDate.prototype;
  globalThis.Date = LcDate;
  let seed = setup.seed >>> 0;
  Math.random = function () {
    seed = (seed + 0x6D2B79F5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const noop = () => {};
  globalThis.console = { log: noop, info: noop, warn: noop, error: noop, debug: noop };

  let signal;
  const finished = new Promise((resolve) => { signal = resolve; });
  let seq = 0;
  let asked = false;
  const never = () => new Promise(() => {});
  const clone = (value) => (value === undefined ? null : JSON.parse(JSON.stringify(value)));

  function step(kind, name, args) {
    const index = seq++;
    if (index < setup.recorded.length) {
      const r = setup.recorded[index];
      if (r.kind !== kind || r.name !== name) {
        signal({ type: "error", step: index, message:
          `Step ${index + 1} was ${r.kind} '${r.name}' when the run took it, but the script now asks for ${kind} '${name}': ` +
          "a workflow must take the same steps each time it is replayed (decide only on step results and the input)." });
        return never();
      }
      if (r.at) clock = r.at;
      if (r.ok) return Promise.resolve(r.value);
      const error = new Error(r.error);
      error.step = index;
      return Promise.reject(error);
    }
    if (!asked) {
      asked = true;
      let copy;
      try { copy = clone(args); } catch (e) {
        return Promise.reject(new Error(`The arguments of ${kind} '${name}' are not JSON: ${e.message}`));
      }
      signal({ type: "step", index, kind, name, args: copy });
    }
    return never();
  }

  function bindingValues(name, sources, params) {
    const values = {};
    for (const source of sources) {
      try {
        values[source] = clone(new Function("return (" + source + "\n);").call({ params: params || {} }));
      } catch (e) {
        throw new Error(`${name}: {{${source}}} could not be evaluated in a workflow (${e.message}); use this.params`);
      }
    }
    return values;
  }

  for (const [name, sources] of Object.entries(setup.actions)) {
    globalThis[name] = {
      run(params, options) {
        let values;
        try { values = bindingValues(name, sources, params); } catch (e) { return Promise.reject(e); }
        return step("query", name, { values, params: params || {}, retries: (options && options.retries) | 0 });
      },
    };
  }
  globalThis.lowcraft = Object.freeze({
    sleep(ms) { return step("sleep", "sleep", { ms: Number(ms) || 0 }); },
    http(request) { return step("http", String((request && request.datasource) || "http"), request || {}); },
    workflows: Object.freeze({
      assignRequest(spec) { return step("request", String((spec && spec.requestName) || "request"), spec || {}); },
    }),
  });

  // mini-racer defines JS timers (a `var`: not deletable); a workflow waits with lowcraft.sleep.
  for (const name of ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "__timer_manager"]) {
    globalThis[name] = undefined;
  }
  const start = function () {
    const workflow = globalThis.__lcWorkflow;
    if (!workflow || typeof workflow.executeWorkflow !== "function") {
      signal({ type: "error", step: null, message: "The workflow has no executeWorkflow function." });
    } else {
      Promise.resolve()
        .then(() => workflow.executeWorkflow(clone(setup.input)))
        .then(
          (output) => {
            try { signal({ type: "done", output: clone(output) }); } catch (e) {
              signal({ type: "error", step: null, message: `The workflow's result is not JSON: ${e.message}` });
            }
          },
          (e) => signal({
            type: "error", step: e && typeof e.step === "number" ? e.step : null,
            message: String((e && e.message) || e), stack: e && e.stack ? String(e.stack).slice(0, 2000) : null,
          }),
        );
    }
    return finished.then((outcome) => JSON.stringify(outcome));
  };
  Object.defineProperty(globalThis, "__lcStart", { value: start, writable: false, configurable: false });
})
"""

_EXPORT = re.compile(r"\bexport\s+default\b")


def module_source(code: str) -> str:
    """The JS object's `export default {...}` as a script that sets `__lcWorkflow`."""
    if not _EXPORT.search(code):
        return "globalThis.__lcWorkflow = undefined;"
    return _EXPORT.sub("globalThis.__lcWorkflow =", code, count=1)


def run(request: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The outcome of one replay, and whether this process must end after it (memory exhausted)."""
    from py_mini_racer import MiniRacer
    from py_mini_racer._exc import JSOOMException, JSParseException

    memory = int(request.get("memoryMb") or 128) * 1024 * 1024
    ctx = MiniRacer()
    try:
        ctx.set_hard_memory_limit(memory)
        setup = {k: request.get(k) for k in ("input", "recorded", "actions", "seed", "now")}
        setup["recorded"] = setup["recorded"] or []
        setup["actions"] = setup["actions"] or {}
        ctx.eval(PRELUDE + "(" + json.dumps(setup) + ");")
        try:
            ctx.eval(module_source(str(request.get("code") or "")))
        except JSParseException as error:
            return {"type": "error", "step": None, "message": f"The workflow's code does not parse: {_first_line(error)}"}, False
        promise = ctx.eval("__lcStart()")
        answer = promise.get()  # type: ignore[union-attr]
        return json.loads(str(answer)), False
    except JSOOMException:
        return {
            "type": "error", "step": None, "limit": "memory",
            "message": f"The workflow's script used more than {memory // (1024 * 1024)} MB of memory and was stopped.",
        }, True
    except Exception as error:  # noqa: BLE001 - anything the script throws is the run's error
        if ctx.was_hard_memory_limit_reached():
            return {
                "type": "error", "step": None, "limit": "memory",
                "message": f"The workflow's script used more than {memory // (1024 * 1024)} MB of memory and was stopped.",
            }, True
        return {"type": "error", "step": None, "message": _first_line(error)}, False
    finally:
        try:
            ctx.close()
        except Exception:  # noqa: BLE001, S110 - a context that cannot close goes with the process
            pass


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:1000] if text else type(error).__name__


def main() -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        outcome, end = run(json.loads(line))
        sys.stdout.write(json.dumps(outcome) + "\n")
        sys.stdout.flush()
        if end:
            return


if __name__ == "__main__":
    main()
