/** MODAL_WIDGET: bundled with the page. */
import type { WidgetDefinition } from "../definition";
import Modal from "./index";

const definition: WidgetDefinition = {
  component: Modal,
};

export default definition;
