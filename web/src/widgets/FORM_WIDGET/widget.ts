/** FORM_WIDGET: bundled with the page. */
import type { WidgetDefinition } from "../definition";
import Form from "./index";

const definition: WidgetDefinition = {
  component: Form,
};

export default definition;
