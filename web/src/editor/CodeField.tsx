/**
 * A CodeMirror 6 editor for bindings, SQL and JS objects: `{{ }}` segments highlighted, completions
 * from a source the caller provides (the live data tree, a datasource's tables), and diagnostics.
 */
import { autocompletion, type CompletionContext, type CompletionResult as CmResult } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { javascript } from "@codemirror/lang-javascript";
import { sql } from "@codemirror/lang-sql";
import { defaultHighlightStyle, StreamLanguage, syntaxHighlighting } from "@codemirror/language";
import { linter, type Diagnostic } from "@codemirror/lint";
import { Annotation, EditorState, type Extension } from "@codemirror/state";
import { Decoration, EditorView, keymap, MatchDecorator, placeholder as placeholderExt, ViewPlugin, type DecorationSet, type ViewUpdate } from "@codemirror/view";
import { useEffect, useRef } from "react";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";

import { LOCAL_EDIT } from "../realtime/session";
import { replaceText } from "../realtime/sharedTree";
import { insideBinding, type CompletionResult } from "./completions";
import { GRAPHQL_RULES } from "./graphqlSyntax";
import type { SharedText } from "./useCoEditing";

export type CodeLanguage = "binding" | "sql" | "js" | "graphql";

/** GraphQL highlighting from the same token rules the form's tests check. */
const graphql = StreamLanguage.define<null>({
  name: "graphql",
  startState: () => null,
  token(stream) {
    if (stream.eatSpace()) return null;
    for (const [re, kind] of GRAPHQL_RULES) if (stream.match(re)) return kind === "punctuation" ? null : kind;
    stream.next();
    return null;
  },
});

export interface CodeFieldProps {
  readonly value: string;
  onChange(value: string): void;
  readonly language?: CodeLanguage;
  /** Completions for the text before the cursor inside `{{ }}` (or anywhere in a JS object). */
  readonly complete?: (textBefore: string) => CompletionResult | null;
  /** Completions outside bindings (SQL tables and columns). */
  readonly completeOutside?: (textBefore: string) => CompletionResult | null;
  readonly diagnostics?: readonly { readonly message: string; readonly from?: number; readonly to?: number; readonly severity?: "error" | "warning" }[];
  readonly label: string;
  readonly placeholder?: string;
  readonly minLines?: number;
  onBlur?(): void;
  onFocus?(): void;
  /**
   * Co-editing: the field edits this shared text itself (character by character, with the others'
   * cursors, undo of one's own typing); `value` is then only read, `onChange` still hears changes.
   * Switching to or from a shared text keeps the field's focus and selection.
   */
  readonly shared?: SharedText | undefined;
}

/**
 * A change that brings the field to a new `value` from outside (a colleague's edit, the server's
 * copy): not an edit of this field, so `onChange` does not hear it (it would store the text back,
 * turning an object shown as JSON into a string when it holds a `{{ }}`).
 */
const fromOutside = Annotation.define<boolean>();

const bindingMark = Decoration.mark({ class: "lc-cm-binding" });
const braceMark = Decoration.mark({ class: "lc-cm-brace" });
const stringMark = Decoration.mark({ class: "lc-cm-string" });
const numberMark = Decoration.mark({ class: "lc-cm-number" });
const keywordMark = Decoration.mark({ class: "lc-cm-keyword" });
const KEYWORDS = /^(?:await|async|const|let|var|return|if|else|true|false|null|undefined|new|function|typeof|of|in)$/;

/** Marks every `{{ ... }}` and the tokens inside it (strings, numbers, keywords). */
const bindingHighlighter = new MatchDecorator({
  regexp: /\{\{[\s\S]*?\}\}|\{\{[\s\S]*$/g,
  decorate(add, from, _to, match) {
    const text = match[0];
    add(from, from + 2, braceMark);
    const closed = text.endsWith("}}");
    const innerEnd = from + text.length - (closed ? 2 : 0);
    if (innerEnd > from + 2) add(from + 2, innerEnd, bindingMark);
    const inner = text.slice(2, closed ? -2 : undefined);
    const token = /'(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?|`[^`]*`?|\b\d+(?:\.\d+)?\b|[A-Za-z_$][\w$]*/g;
    for (let m = token.exec(inner); m; m = token.exec(inner)) {
      const start = from + 2 + m.index;
      const end = start + m[0].length;
      const c = m[0][0] ?? "";
      if (c === "'" || c === '"' || c === "`") add(start, end, stringMark);
      else if (/\d/.test(c)) add(start, end, numberMark);
      else if (KEYWORDS.test(m[0])) add(start, end, keywordMark);
    }
    if (closed) add(innerEnd, innerEnd + 2, braceMark);
  },
});

const bindingPlugin = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = bindingHighlighter.createDeco(view);
    }
    update(update: ViewUpdate) {
      this.decorations = bindingHighlighter.updateDeco(update, this.decorations);
    }
  },
  { decorations: (v) => v.decorations },
);

export default function CodeField(props: CodeFieldProps) {
  const host = useRef<HTMLDivElement | null>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef(props);
  latest.current = props;
  /** The focus and selection of the editor being replaced (a switch to or from a shared text). */
  const carried = useRef<{ focused: boolean; anchor: number; head: number; doc: string; wasShared: boolean } | null>(null);

  useEffect(() => {
    if (!host.current) return undefined;
    const language = props.language ?? "binding";
    const source = (context: CompletionContext): CmResult | null => {
      const before = context.state.sliceDoc(0, context.pos);
      const inBinding = language === "js" || insideBinding(before);
      const fn = inBinding ? latest.current.complete : latest.current.completeOutside;
      const found = fn?.(before);
      if (!found || found.options.length === 0) return null;
      if (!context.explicit && found.from === context.pos && !before.endsWith(".") && !before.endsWith("{{")) return null;
      return {
        from: found.from,
        options: found.options.map((o) => ({ label: o.label, type: o.type, ...(o.detail ? { detail: o.detail } : {}), ...(o.info ? { info: o.info } : {}) })),
        validFor: /^[\w$]*$/,
      };
    };
    const shared = props.shared;
    const extensions: Extension[] = [
      shared ? [yCollab(shared.text, shared.awareness, shared.undoManager ? { undoManager: shared.undoManager } : undefined), keymap.of([...yUndoManagerKeymap, ...defaultKeymap])] : [history(), keymap.of([...defaultKeymap, ...historyKeymap])],
      EditorView.lineWrapping,
      bindingPlugin,
      syntaxHighlighting(defaultHighlightStyle),
      autocompletion({ override: [source], activateOnTyping: true, icons: false }),
      linter(
        () =>
          (latest.current.diagnostics ?? []).map(
            (d): Diagnostic => ({ from: d.from ?? 0, to: d.to ?? Math.min(d.from ?? 0, view.current?.state.doc.length ?? 0), message: d.message, severity: d.severity ?? "error" }),
          ),
        { delay: 300 },
      ),
      EditorView.updateListener.of((update) => {
        if (update.docChanged && !update.transactions.some((t) => t.annotation(fromOutside))) latest.current.onChange(update.state.doc.toString());
        if (update.focusChanged) {
          if (update.view.hasFocus) latest.current.onFocus?.();
          else latest.current.onBlur?.();
        }
      }),
      EditorView.contentAttributes.of({ "aria-label": props.label }),
    ];
    if (language === "sql") extensions.push(sql());
    if (language === "js") extensions.push(javascript());
    if (language === "graphql") extensions.push(graphql);
    if (props.placeholder) extensions.push(placeholderExt(props.placeholder));
    if (props.minLines) extensions.push(EditorView.theme({ ".cm-content": { minHeight: `${props.minLines * 1.4}em` } }));
    const before = carried.current;
    carried.current = null;
    // Keys typed while the focused field was turning into a shared text reached only the editor
    // being replaced: they go into the text, as this person's edit, rather than being lost.
    if (shared && before?.focused && !before.wasShared && before.doc !== shared.text.toString()) {
      const typed = before.doc;
      if (shared.text.doc) shared.text.doc.transact(() => replaceText(shared.text, typed), LOCAL_EDIT);
      else replaceText(shared.text, typed);
    }
    const text = shared ? shared.text.toString() : props.value;
    const clamp = (n: number) => Math.min(n, text.length);
    const selection = before ? { anchor: clamp(before.anchor), head: clamp(before.head) } : undefined;
    const v = new EditorView({ state: EditorState.create({ doc: text, extensions, ...(selection ? { selection } : {}) }), parent: host.current });
    view.current = v;
    if (before?.focused) v.focus();
    return () => {
      const { anchor, head } = v.state.selection.main;
      carried.current = { focused: v.hasFocus, anchor, head, doc: v.state.doc.toString(), wasShared: shared !== undefined };
      v.destroy();
      view.current = null;
    };
    // The editor is created once; value changes from outside are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.language, props.shared?.text]);

  useEffect(() => {
    const v = view.current;
    if (v && !latest.current.shared && v.state.doc.toString() !== props.value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: props.value }, annotations: fromOutside.of(true) });
    }
  }, [props.value]);

  return <div className={`lc-code lc-code--${props.language ?? "binding"}`} ref={host} data-code-field={props.label} />;
}
