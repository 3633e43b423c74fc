/** CHECKBOX_WIDGET: bundled with the page. */
import type { WidgetDefinition } from "../definition";
import Checkbox from "./index";

const definition: WidgetDefinition = {
  component: Checkbox,
};

export default definition;
