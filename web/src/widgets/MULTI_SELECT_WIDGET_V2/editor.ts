/** MULTI_SELECT_WIDGET_V2 in the editor: its options have a typed editor. */
import type { EditorHints } from "../editorHints";

export const editor: EditorHints = { controls: { sourceData: "options" } };
