/** TABLE_WIDGET_V2 in the editor: its columns have a typed editor, which also orders them. */
import type { EditorHints } from "../editorHints";

export const editor: EditorHints = { controls: { primaryColumns: "columns" }, folded: ["columnOrder"] };
