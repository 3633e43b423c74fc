"""The typed intermediate model of an Appsmith application, whichever form it came in.

Both readers (the single-file JSON export of any schema version, and the Git repository layouts)
produce this model; the converters read only this model. It holds the edit-mode (unpublished)
state of the app, as Appsmith's own import does, and never any datasource secret: a datasource is
its name and plugin only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

SourceForm = Literal["json", "git"]
RunBehaviour = Literal["ON_PAGE_LOAD", "MANUAL", "AUTOMATIC"]


@dataclass
class AppsmithTheme:
    """The app's theme: Appsmith's `properties` (colors, borderRadius, boxShadow, fontFamily)."""

    name: str
    display_name: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    is_system: bool = False
    """One of Appsmith's built-in themes; exports may then omit its properties."""


@dataclass
class AppsmithPage:
    name: str
    slug: str | None
    is_default: bool
    hidden: bool
    dsl: dict[str, Any]
    """The page's widget tree as Appsmith stores it (root `MainContainer`, a CANVAS_WIDGET)."""
    on_load_actions: list[str] = field(default_factory=list)
    """Names Appsmith computed to run on load, in its order (queries and `JSObject.fn`)."""


@dataclass
class AppsmithAction:
    """A query or API: its plugin, datasource, configuration and run settings."""

    name: str
    page: str
    plugin_id: str
    """The plugin's package name as exported: `postgres-plugin`, `restapi-plugin`, ..."""
    plugin_type: str | None
    """`DB`, `API`, `SAAS`, `REMOTE`, `AI`, ... as exported."""
    datasource: str | None
    """Name of a shared datasource, or None for an API with its URL embedded in the action."""
    embedded_url: str | None = None
    http_method: str | None = None
    path: str | None = None
    body: str | None = None
    headers: list[tuple[str, Any]] = field(default_factory=list)
    query_parameters: list[tuple[str, Any]] = field(default_factory=list)
    form_data: dict[str, Any] = field(default_factory=dict)
    plugin_specified_templates: list[Any] = field(default_factory=list)
    run_behaviour: RunBehaviour = "MANUAL"
    confirm_before_execute: bool = False
    timeout_ms: int | None = None
    prepared_statements: bool | None = None
    """For SQL plugins: Appsmith's "use prepared statement" switch (on unless turned off)."""
    configuration: dict[str, Any] = field(default_factory=dict)
    """The whole `actionConfiguration`, for settings the fields above do not name."""

    @property
    def execute_on_load(self) -> bool:
        # AUTOMATIC (2025) runs on load and again when its inputs change; Lowcraft keeps the first.
        return self.run_behaviour in ("ON_PAGE_LOAD", "AUTOMATIC")


@dataclass
class AppsmithJsFunction:
    name: str
    run_behaviour: RunBehaviour = "MANUAL"
    confirm_before_execute: bool = False
    is_async: bool | None = None

    @property
    def execute_on_load(self) -> bool:
        return self.run_behaviour == "ON_PAGE_LOAD"


@dataclass
class AppsmithJsObject:
    name: str
    page: str
    body: str
    functions: list[AppsmithJsFunction] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)


@dataclass
class AppsmithDatasource:
    """A shared datasource by name and plugin; its configuration and credentials are not read."""

    name: str
    plugin_id: str


@dataclass
class AppsmithJsLib:
    name: str
    url: str
    accessors: list[str] = field(default_factory=list)
    version: str | None = None


@dataclass
class AppsmithApp:
    name: str
    source_form: SourceForm
    server_schema_version: int | None
    client_schema_version: int | None
    file_format_version: int | None = None
    slug: str | None = None
    icon: str | None = None
    color: str | None = None
    theme: AppsmithTheme | None = None
    navigation: dict[str, Any] = field(default_factory=dict)
    """`navigationSetting`: orientation, showNavbar, colorStyle, logo..."""
    settings: dict[str, Any] = field(default_factory=dict)
    """Other app-level settings Appsmith exports (`appPositioning`, `evaluationVersion`, ...)."""
    pages: list[AppsmithPage] = field(default_factory=list)
    actions: list[AppsmithAction] = field(default_factory=list)
    js_objects: list[AppsmithJsObject] = field(default_factory=list)
    datasources: list[AppsmithDatasource] = field(default_factory=list)
    js_libs: list[AppsmithJsLib] = field(default_factory=list)

    def page(self, name: str) -> AppsmithPage:
        for page in self.pages:
            if page.name == name:
                return page
        raise KeyError(name)
