/** MODAL_WIDGET in the editor: it floats over the page, outside the grid flow: it does not push widgets down, moves only by its own settings and is pasted at the top. */
import type { EditorHints } from "../editorHints";

export const editor: EditorHints = { floats: true };
