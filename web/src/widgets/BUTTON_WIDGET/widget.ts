/** BUTTON_WIDGET: bundled with the page. */
import type { WidgetDefinition } from "../definition";
import Button from "./index";

const definition: WidgetDefinition = {
  component: Button,
};

export default definition;
