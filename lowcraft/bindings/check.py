"""`lowcraft check FILE_OR_DIR`: lint exported applications offline, for CI pipelines.

Exit code 1 when any file has an error diagnostic or cannot be read as an application document,
0 otherwise (warnings do not fail). `python -m lowcraft.bindings.check PATH... [--format json]`.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from lowcraft.bindings.errors import BindingError
from lowcraft.bindings.lint import lint
from lowcraft.bindings.results import Diagnostic, Severity

FORMATS = ("text", "json")


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
    """The files to check: each file given, and every `*.json` of each directory given (sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
        else:
            files.append(path)
    return files


def check_file(path: Path) -> FileReport:
    """Read and lint one exported application."""
    report = FileReport(path)
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
    try:
        report.diagnostics = lint(document)
    except BindingError as error:
        report.failure = error.message
    return report


def main(paths: list[Path], output_format: str = "text", out: TextIO | None = None) -> int:
    """Check every application in `paths`; print a report; return the process exit code."""
    stream = out if out is not None else sys.stdout
    if output_format not in FORMATS:
        raise ValueError(f"output format must be one of {', '.join(FORMATS)}")
    reports = [check_file(path) for path in collect_files(paths)]
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
