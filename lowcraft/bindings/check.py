"""`lowcraft check FILE_OR_DIR`: lint exported applications offline, for CI pipelines.

Inputs are exported JSON documents and application folders in the repository layout (a folder
holding `application.json`, docs/app-format.md); a folder given is searched for both. Exit code 1
when any input has an error diagnostic or cannot be read as an application, 0 otherwise (warnings
do not fail). `python -m lowcraft.bindings.check PATH... [--format json]` reads JSON documents
only: reading a folder is the application model's (`lowcraft check` passes it in as `read_tree`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from lowcraft.bindings.errors import BindingError
from lowcraft.bindings.lint import lint
from lowcraft.bindings.results import Diagnostic, Severity
from lowcraft.errors import LowcraftError

FORMATS = ("text", "json")
APPLICATION_FILE = "application.json"
"""What marks an application folder in the repository layout."""

TreeReader = Callable[[Path], dict[str, Any]]
"""Reads an application folder into its document; raises a `LowcraftError` naming the faulty file."""


@dataclass(slots=True)
class FileReport:
    """The outcome of checking one file."""

    path: Path
    diagnostics: list[Diagnostic] = field(default_factory=list)
    failure: str | None = None
    """Why the file could not be checked at all."""

    @property
    def errors(self) -> int:
        return sum(d.severity is Severity.ERROR for d in self.diagnostics) + (self.failure is not None)

    @property
    def warnings(self) -> int:
        return sum(d.severity is Severity.WARNING for d in self.diagnostics)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "failure": self.failure,
            "errors": self.errors,
            "warnings": self.warnings,
            "diagnostics": [d.to_dict() for d in self.diagnostics],
        }


def collect_files(paths: list[Path]) -> list[Path]:
    """The inputs to check: each file given, each application folder given, and in each other
    folder given its application folders and the `*.json` files outside them (sorted)."""
    files: list[Path] = []
    for path in paths:
        if not path.is_dir() or (path / APPLICATION_FILE).is_file():
            files.append(path)
            continue
        apps = sorted(p.parent for p in path.rglob(APPLICATION_FILE) if p.is_file() and not _hidden(p, path))
        for candidate in sorted(p for p in path.rglob("*.json") if p.is_file() and not _hidden(p, path)):
            owner = next((app for app in apps if candidate.is_relative_to(app)), None)
            if owner is None:
                files.append(candidate)
            elif owner not in files:
                files.append(owner)
    return files


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def check_file(path: Path, read_tree: TreeReader | None = None) -> FileReport:
    """Read and lint one exported application (a JSON file, or an application folder read with
    `read_tree`)."""
    report = FileReport(path)
    if path.is_dir():
        if read_tree is None:
            report.failure = "is an application folder; check it with `lowcraft check`"
            return report
        try:
            folder_document = read_tree(path)
        except LowcraftError as error:
            report.failure = error.message
            return report
        return _lint(report, folder_document)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        report.failure = "no such file"
        return report
    except (OSError, UnicodeDecodeError) as error:
        report.failure = f"cannot be read: {error}"
        return report
    except json.JSONDecodeError as error:
        report.failure = f"is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        return report
    if not isinstance(document, dict) or document.get("format") != "lowcraft-app":
        report.failure = 'is not a Lowcraft application export (expected "format": "lowcraft-app")'
        return report
    return _lint(report, document)


def _lint(report: FileReport, document: dict[str, Any]) -> FileReport:
    try:
        report.diagnostics = lint(document)
    except BindingError as error:
        report.failure = error.message
    return report


def main(
    paths: list[Path], output_format: str = "text", out: TextIO | None = None, read_tree: TreeReader | None = None
) -> int:
    """Check every application in `paths`; print a report; return the process exit code."""
    stream = out if out is not None else sys.stdout
    if output_format not in FORMATS:
        raise ValueError(f"output format must be one of {', '.join(FORMATS)}")
    reports = [check_file(path, read_tree) for path in collect_files(paths)]
    errors = sum(r.errors for r in reports)
    warnings = sum(r.warnings for r in reports)
    if not reports:
        errors += 1
    if output_format == "json":
        json.dump(
            {"files": [r.to_dict() for r in reports], "errors": errors, "warnings": warnings},
            stream,
            indent=2,
        )
        stream.write("\n")
    else:
        _print_text(reports, errors, warnings, stream)
    return 1 if errors else 0


def _print_text(reports: list[FileReport], errors: int, warnings: int, stream: TextIO) -> None:
    if not reports:
        stream.write("no application files found\n")
    for report in reports:
        if report.failure is not None:
            stream.write(f"{report.path}: error: {report.failure}\n")
        for d in report.diagnostics:
            where = f"{d.page}/{d.entity}.{d.property}:{d.line}:{d.column}"
            stream.write(f"{report.path}: {where}: {d.severity.value}[{d.code}] {d.message}\n")
    stream.write(f"{len(reports)} file(s) checked: {errors} error(s), {warnings} warning(s)\n")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="lowcraft check", description="Lint exported Lowcraft applications."
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="FILE_OR_DIR")
    parser.add_argument("--format", choices=FORMATS, default="text", dest="output_format")
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = _arguments(None)
    sys.exit(main(arguments.paths, arguments.output_format))
