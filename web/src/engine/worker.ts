/// <reference lib="webworker" />
/**
 * The engine's Web Worker entry. User code runs here only: the global object is locked down right
 * after the server has captured postMessage and the engine modules their timers.
 */
import { installLibraries } from "./libraries";
import { lockdown } from "./lockdown";
import { serveEngine, type EnginePort } from "./workerServer";
import { installWidgetDerived } from "../widgets/derived";

installWidgetDerived();
installLibraries(globalThis as unknown as Record<string, unknown>);
serveEngine(globalThis as unknown as EnginePort);
lockdown();
