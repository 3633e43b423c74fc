/** CONTAINER_WIDGET: bundled with the page. */
import type { WidgetDefinition } from "../definition";
import Container from "./index";

const definition: WidgetDefinition = {
  component: Container,
};

export default definition;
