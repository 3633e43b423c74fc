"""The import report: one line per thing in the Appsmith app - carried as is, migrated, adjusted,
kept as a placeholder or not carried - with why, and the steps the user must take next.

It is data (frozen dataclasses) that serialises to JSON for the API response and the report page.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal[
    "app", "page", "widget", "query", "jsObject", "jsFunction", "datasource", "jsLibrary", "theme", "setting"
]
Status = Literal["carried", "migrated", "adjusted", "placeholder", "notCarried"]
StepKind = Literal[
    "fillDatasourceCredentials",
    "chooseConnector",
    "allowJsLibrary",
    "reviewPreparedStatements",
    "replacePlaceholder",
]

NOT_CARRIED: frozenset[str] = frozenset({"placeholder", "notCarried"})


@dataclass(frozen=True)
class ReportItem:
    """What happened to one entity: `why` explains anything but a plain carry."""

    kind: Kind
    name: str
    page: str | None
    status: Status
    why: str = ""
    type: str | None = None
    """What it was in Appsmith: a widget's type (`MAP_WIDGET`), a query's or datasource's plugin."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "page": self.page,
            "type": self.type,
            "status": self.status,
            "why": self.why,
        }


@dataclass(frozen=True)
class NextStep:
    """Something the user must do before the imported app works (fill credentials, allow a URL)."""

    kind: StepKind
    name: str
    message: str
    page: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "page": self.page, "message": self.message}


@dataclass
class ImportReport:
    app: str
    source: dict[str, Any] = field(default_factory=dict)
    """The form read (`json`/`git`) and its versions."""
    items: list[ReportItem] = field(default_factory=list)
    next_steps: list[NextStep] = field(default_factory=list)

    def add(
        self, kind: Kind, name: str, page: str | None, status: Status, why: str = "", type: str | None = None
    ) -> ReportItem:
        item = ReportItem(kind, name, page, status, why, type)
        self.items.append(item)
        return item

    def step(self, kind: StepKind, name: str, message: str, page: str | None = None) -> None:
        self.next_steps.append(NextStep(kind, name, message, page))

    @property
    def carried(self) -> list[ReportItem]:
        return [item for item in self.items if item.status not in NOT_CARRIED]

    @property
    def not_carried(self) -> list[ReportItem]:
        return [item for item in self.items if item.status in NOT_CARRIED]

    def find(self, kind: Kind, name: str, page: str | None = None) -> list[ReportItem]:
        return [
            i for i in self.items if i.kind == kind and i.name == name and (page is None or i.page == page)
        ]

    def counts(self) -> dict[str, dict[str, int]]:
        """Per kind, how many items have each status."""
        out: dict[str, dict[str, int]] = {}
        for (kind, status), count in sorted(Counter((i.kind, i.status) for i in self.items).items()):
            out.setdefault(kind, {})[status] = count
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "app": self.app,
            "source": self.source,
            "counts": self.counts(),
            "carried": [item.to_dict() for item in self.carried],
            "notCarried": [item.to_dict() for item in self.not_carried],
            "nextSteps": [step.to_dict() for step in self.next_steps],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=False)


def format_report(report: ImportReport) -> str:
    """The report as text for a terminal: counts per kind, every line not carried, the next steps."""
    lines = ["carried:"]
    for kind, statuses in report.counts().items():
        lines.append(f"  {kind}: " + ", ".join(f"{count} {status}" for status, count in statuses.items()))
    missing = report.not_carried
    if missing:
        lines.append("not carried:")
        for item in missing:
            where = f" on page {item.page}" if item.page else ""
            what = f" ({item.type})" if item.type else ""
            lines.append(f"  {item.status} {item.kind} {item.name}{what}{where}: {item.why}")
    if report.next_steps:
        lines.append("next steps:")
        lines.extend(f"  - {step.message}" for step in report.next_steps)
    return "\n".join(lines)
