/// <reference lib="webworker" />
/**
 * The engine's Web Worker entry. It is started by the sandbox document (sandbox.ts), so it runs on
 * an opaque origin under that document's Content-Security-Policy, and serves the page over the
 * MessagePort it is handed once. The global object is also locked down, right after the server has
 * captured the port and the engine modules their timers: user code arrives only over that port.
 */
import { installLibraries } from "./libraries";
import { lockdown } from "./lockdown";
import { isSandboxMessage, SANDBOX } from "./protocol";
import { ensureRandomUUID } from "./triggers";
import { serveEngine, type EnginePort } from "./workerServer";
import { installWidgetDerived } from "../widgets/derived";

const scope = globalThis as unknown as DedicatedWorkerGlobalScope;
installWidgetDerived();
installLibraries(globalThis as unknown as Record<string, unknown>);
ensureRandomUUID(globalThis);

scope.onmessage = (event: MessageEvent) => {
  const port = event.ports[0];
  if (!port || !isSandboxMessage(event.data, SANDBOX.connect)) return;
  scope.onmessage = null;
  serveEngine(port as unknown as EnginePort);
  lockdown();
};
scope.postMessage({ type: SANDBOX.workerReady });
