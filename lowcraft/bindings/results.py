"""What the analyser answers: lint diagnostics and rename changes.

Plain values with no dependency on the analyser itself, so the API's response schemas can name
them without loading tree-sitter, the graph and every widget manifest at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any


class Severity(str, Enum):
    """How bad a diagnostic is: errors fail `lowcraft check`, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem, located in a property value (character offsets; line and column from 1)."""

    page: str
    entity: str
    property: str
    start: int
    end: int
    line: int
    column: int
    severity: Severity
    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (API responses, `lowcraft check --format json`)."""
        return {
            "page": self.page,
            "entity": self.entity,
            "property": self.property,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Change:
    """One rewritten value. `entity` is the name the entity had before the rename."""

    entity: str
    path: str
    before: str
    after: str

    def to_dict(self) -> dict[str, str]:
        """The JSON form returned by the refactor API."""
        return {"entity": self.entity, "path": self.path, "before": self.before, "after": self.after}
