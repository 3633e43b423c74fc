/**
 * A main thread for engine tests: records effects and updates, and runs actions through a
 * function the test supplies (standing in for the server's execute endpoint).
 */
import type { ActionRequest, ActionResult, Effect, EngineHost, EvaluationUpdate, ServerCall } from "../engine/host";

export class RecordingHost implements EngineHost {
  readonly effects: Effect[] = [];
  readonly updates: EvaluationUpdate[] = [];
  readonly requests: ActionRequest[] = [];
  /** What the user was asked to confirm (action or `Object.function` names), in order. */
  readonly confirmations: string[] = [];
  confirmAnswer = true;

  constructor(private readonly execute: (request: ActionRequest) => Promise<ActionResult> | ActionResult = () => ({ ok: true, data: [] })) {}

  effect(effect: Effect): void {
    this.effects.push(effect);
  }

  async executeAction(request: ActionRequest): Promise<ActionResult> {
    this.requests.push(request);
    return this.execute(request);
  }

  /** Server calls made (`triggerWorkflow`, ...), in order; answered by `serverAnswer`. */
  readonly serverCalls: ServerCall[] = [];
  serverAnswer: (call: ServerCall) => ActionResult = (call) => ({ ok: false, data: undefined, error: `${call.kind}: no server in this test` });

  async callServer(call: ServerCall): Promise<ActionResult> {
    this.serverCalls.push(call);
    return this.serverAnswer(call);
  }

  async confirmAction(action: string): Promise<boolean> {
    this.confirmations.push(action);
    return this.confirmAnswer;
  }

  update(update: EvaluationUpdate): void {
    this.updates.push(update);
  }

  alerts(): string[] {
    return this.effects.flatMap((e) => (e.kind === "showAlert" ? [e.message] : []));
  }
}
