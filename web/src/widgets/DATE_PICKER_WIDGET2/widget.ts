/** DATE_PICKER_WIDGET2: loaded on first use. */
import type { WidgetDefinition } from "../definition";

const definition: WidgetDefinition = {
  load: () => import("./index"),
};

export default definition;
