"""A small web server on loopback that serves JS libraries, as a CDN would, for the library tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# A UMD library written for these tests: a CSV reader that sets the global `tinyCsv` when neither
# AMD nor CommonJS is around (as in Lowcraft's engine worker).
TINY_CSV = """/*! tinycsv 1.0.0: a tiny CSV reader, written for Lowcraft's tests */
(function (root, factory) {
  if (typeof define === "function" && define.amd) define([], factory);
  else if (typeof module === "object" && module.exports) module.exports = factory();
  else root.tinyCsv = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";
  function parse(text, separator) {
    var sep = separator || ",";
    var lines = String(text).split(/\\r?\\n/).filter(function (line) { return line.length > 0; });
    var header = lines.shift().split(sep);
    return lines.map(function (line) {
      var cells = line.split(sep);
      var row = {};
      header.forEach(function (name, i) { row[name] = cells[i]; });
      return row;
    });
  }
  function stringify(rows) {
    if (!rows.length) return "";
    var header = Object.keys(rows[0]);
    return [header.join(",")].concat(rows.map(function (row) {
      return header.map(function (name) { return row[name]; }).join(",");
    })).join("\\n");
  }
  return { version: "1.0.0", parse: parse, stringify: stringify };
});
"""

# A plain script (no UMD wrapper) defining two globals with top-level declarations.
TWO_GLOBALS = "var leftPad = function (s, n) { s = String(s); while (s.length < n) s = ' ' + s; return s; };\n" \
    "function rightPad(s, n) { s = String(s); while (s.length < n) s = s + ' '; return s; }\n"

# Defines nothing global: CommonJS only.
NO_GLOBAL = "(function () { var helper = { answer: 42 }; if (typeof module === 'object') module.exports = helper; })();\n"

# Throws while loading.
THROWS = "(function () { throw new Error('this library needs a DOM'); })();\n"

PAGE = "<!doctype html><html><head><title>Not a library</title></head><body>Hello</body></html>"


@dataclass
class LibraryServer:
    """Serves `files` (path -> body) and redirects (path -> location); counts requests by path."""

    files: dict[str, str | bytes]
    redirects: dict[str, str] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    port: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def url(self, path: str) -> str:
        return self.base + path.lstrip("/")


@contextmanager
def library_server(files: dict[str, str | bytes], redirects: dict[str, str] | None = None) -> Iterator[LibraryServer]:
    server_state = LibraryServer(dict(files), dict(redirects or {}))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.lstrip("/")
            server_state.hits[path] = server_state.hits.get(path, 0) + 1
            if path in server_state.redirects:
                self.send_response(302)
                self.send_header("Location", server_state.redirects[path])
                self.end_headers()
                return
            body = server_state.files.get(path)
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data = body.encode() if isinstance(body, str) else body
            self.send_response(200)
            self.send_header("Content-Type", "text/html" if path.endswith(".html") else "application/javascript")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        httpd.shutdown()
        httpd.server_close()
