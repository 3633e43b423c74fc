"""The names a binding may use besides app entities, and the rules for naming an entity.

Kept in one place so that extraction, lint and rename agree on what is a global, what is a trigger
and what a valid entity name is. The web engine carries the same lists.
"""

from __future__ import annotations

import re

JS_GLOBALS: frozenset[str] = frozenset(
    [
        "Array",
        "ArrayBuffer",
        "Atomics",
        "BigInt",
        "BigInt64Array",
        "BigUint64Array",
        "Boolean",
        "DataView",
        "Date",
        "Error",
        "EvalError",
        "FinalizationRegistry",
        "Float32Array",
        "Float64Array",
        "Function",
        "Infinity",
        "Int16Array",
        "Int32Array",
        "Int8Array",
        "Intl",
        "JSON",
        "Map",
        "Math",
        "NaN",
        "Number",
        "Object",
        "Promise",
        "Proxy",
        "RangeError",
        "ReferenceError",
        "Reflect",
        "RegExp",
        "Set",
        "SharedArrayBuffer",
        "String",
        "Symbol",
        "SyntaxError",
        "TypeError",
        "URIError",
        "Uint16Array",
        "Uint32Array",
        "Uint8Array",
        "Uint8ClampedArray",
        "WeakMap",
        "WeakRef",
        "WeakSet",
        "decodeURI",
        "decodeURIComponent",
        "encodeURI",
        "encodeURIComponent",
        "escape",
        "eval",
        "globalThis",
        "isFinite",
        "isNaN",
        "parseFloat",
        "parseInt",
        "undefined",
        "unescape",
        "arguments",
        "console",
        "setTimeout",
        "clearTimeout",
        "queueMicrotask",
        "structuredClone",
        "atob",
        "btoa",
        "fetch",
        "URL",
        "URLSearchParams",
        "TextEncoder",
        "TextDecoder",
        "crypto",
        "location",
        "navigator",
        "window",
        "self",
        "moment",
        "_",
    ]
)
"""Names of the JavaScript runtime and of the libraries every binding may use (`_` is lodash)."""

APP_TRIGGERS: frozenset[str] = frozenset(
    [
        "showAlert",
        "navigateTo",
        "storeValue",
        "removeValue",
        "clearStore",
        "showModal",
        "closeModal",
        "resetWidget",
        "download",
        "copyToClipboard",
        "setInterval",
        "clearInterval",
        "postWindowMessage",
        "logoutUser",
        "triggerWorkflow",
        "getWorkflowRequests",
        "resolveWorkflowRequest",
    ]
)
"""App functions with side effects: allowed in event handlers and JS objects, not in data bindings."""

TRIGGER_ONLY_GLOBALS: frozenset[str] = frozenset({"fetch"})
"""Browser functions that only event handlers and JS functions may call (Appsmith keeps `fetch`
for triggers): in a data binding they are an error."""

APP_GLOBALS: frozenset[str] = frozenset({"appsmith"}) | APP_TRIGGERS
"""Names the Lowcraft runtime defines for every binding: the `appsmith` object and the app functions."""

ACTION_PROPERTIES: frozenset[str] = frozenset(
    {"data", "isLoading", "responseMeta", "error", "run", "clear", "config", "datasource", "name", "settings"}
)
"""What a binding may read from an action (`getOrders.data`, `getOrders.run()`)."""

ACTION_TRIGGERS: frozenset[str] = frozenset({"run", "clear"})
"""Action methods with side effects."""

ACTION_DATA_PROPERTIES: frozenset[str] = frozenset({"data", "isLoading", "responseMeta", "error"})
"""Action properties whose value only exists once the action has run."""

RESERVED_WORDS: frozenset[str] = frozenset(
    [
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "import",
        "in",
        "instanceof",
        "new",
        "null",
        "return",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "yield",
        "let",
        "static",
        "implements",
        "interface",
        "package",
        "private",
        "protected",
        "public",
        "await",
        "async",
        "of",
        "get",
        "set",
        "arguments",
        "eval",
        "undefined",
        "NaN",
        "Infinity",
    ]
)
"""Words that cannot name an entity (reserved in strict-mode JS, or confusing as a name)."""

OBJECT_PROTOTYPE_MEMBERS: frozenset[str] = frozenset(
    [
        "__proto__",
        "__defineGetter__",
        "__defineSetter__",
        "__lookupGetter__",
        "__lookupSetter__",
        "constructor",
        "hasOwnProperty",
        "isPrototypeOf",
        "propertyIsEnumerable",
        "toLocaleString",
        "toString",
        "valueOf",
    ]
)
"""Every member of `Object.prototype`. Entities are kept in plain objects keyed by name (the
evaluation scope, the dependency map, exports); a widget called `__proto__` would replace such an
object's prototype, and one called `toString` or `constructor` would be shadowed by, or shadow, what
every object inherits."""


_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def is_identifier(name: str) -> bool:
    """Whether `name` is a JavaScript identifier (ASCII letters, digits, `_` and `$`)."""
    return _IDENTIFIER.fullmatch(name) is not None


def is_global_name(name: str) -> bool:
    """Whether `name` is taken by the JavaScript runtime or by the app runtime."""
    return name in JS_GLOBALS or name in APP_GLOBALS
