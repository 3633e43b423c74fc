/** RADIO_GROUP_WIDGET in the editor: its options have a typed editor. */
import type { EditorHints } from "../editorHints";

export const editor: EditorHints = { controls: { options: "options" } };
