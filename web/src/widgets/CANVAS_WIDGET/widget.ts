/** CANVAS_WIDGET: bundled with the page. */
import type { WidgetDefinition } from "../definition";
import Canvas from "./index";

const definition: WidgetDefinition = {
  component: Canvas,
};

export default definition;
