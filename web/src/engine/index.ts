/** The evaluation engine's public surface (no React in here). */
export { Engine, type EngineOptions } from "./engine";
export { installDerived, type DerivedContext, type DerivedTable, type DerivedValue, type DerivedValues } from "./derived";
export { EngineClient, EngineRequestError, type EngineClientHandlers, type WorkerLike } from "./client";
export type { ActionRequest, ActionResult, Effect, EngineHost, EvaluationError, EvaluationUpdate } from "./host";
export type { WidgetManifest, PropertySpec, ValueSpec, TypeHint, ValueType } from "./manifest";
export type { AppsmithInit, AppTheme, PageDefinition, WidgetNode, ActionDefinition, JsObjectDefinition } from "./page";
export { extractReferences, analyse, BindingSyntaxError, type Reference, type CodeMode } from "./references";
export { splitSegments, hasBinding, isSingleBinding, bindingSources, type Segment } from "./segments";
export { valueProblems } from "./validation";
export { setLoopBudget, LongRunningCodeError } from "./loopGuard";
export { libraryProblems, type LibraryCode, type LibraryLoad } from "./customLibraries";
