/**
 * The libraries Appsmith apps use from bindings without importing them: lodash as `_` and
 * Moment.js as `moment`. The worker puts them on its global object before locking it down, so
 * `{{ _.sumBy(getOrders.data, "total") }}` and `{{ moment(DatePicker1.selectedDate).fromNow() }}`
 * run unchanged.
 */
import _ from "lodash";
import moment from "moment";

export const LIBRARIES: Readonly<Record<string, unknown>> = { _, moment };

export function installLibraries(target: Record<string, unknown>): void {
  for (const [name, library] of Object.entries(LIBRARIES)) target[name] = library;
}
