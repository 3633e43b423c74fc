/** INPUT_WIDGET_V2: bundled with the page. */
import type { WidgetDefinition } from "../definition";
import Input from "./index";

const definition: WidgetDefinition = {
  component: Input,
};

export default definition;
