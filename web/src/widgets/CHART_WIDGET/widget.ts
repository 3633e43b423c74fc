/** CHART_WIDGET: loaded on first use; its series have a typed editor. */
import type { WidgetDefinition } from "../definition";

const definition: WidgetDefinition = {
  load: () => import("./index"),
  editor: { controls: { chartData: "series" } },
};

export default definition;
