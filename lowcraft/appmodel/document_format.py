"""The application document: export, import, clone and the published snapshot share this one form.

See docs/app-format.md. Export never carries secrets or ids; the published snapshot carries page
ids so the viewer can address pages.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from lowcraft.appmodel.errors import InvalidDocument
from lowcraft.appmodel.models import (
    MAX_JS_BYTES,
    ActionSettings,
    Application,
    JsFunctionSettings,
    js_settings,
)
from lowcraft.appmodel.naming import name_problem
from lowcraft.appmodel.tree import validate_tree, widget_names

FORMAT = "lowcraft-app"
FORMAT_VERSION = 1


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)


class AppSettingsDoc(_Model):
    navigation: Literal["top", "side"] = "top"
    public_access: bool = Field(False, alias="publicAccess")
    frame_ancestors: list[str] = Field(default_factory=list, alias="frameAncestors")
    default_page: str | None = Field(None, alias="defaultPage")


class JsLibraryDoc(_Model):
    """A JS library the app loads (app-wide): where it comes from and the globals it defines. The
    code itself never travels in a document; `sha256` pins what was fetched."""

    name: str = Field(min_length=1, max_length=100)
    url: str = Field(min_length=1, max_length=2000)
    version: str | None = Field(None, max_length=100)
    accessor: list[str] = Field(min_length=1, max_length=20)
    sha256: str | None = Field(None, pattern="^[0-9a-f]{64}$")


class ApplicationDoc(_Model):
    name: str = Field(min_length=1, max_length=100)
    slug: str | None = None
    icon: str = "app"
    theme: dict[str, Any] = Field(default_factory=dict)
    settings: AppSettingsDoc = Field(default_factory=AppSettingsDoc)
    js_libraries: list[JsLibraryDoc] = Field(default_factory=list, alias="jsLibraries", max_length=50)


class DatasourceRefDoc(_Model):
    """A datasource the app's queries use, by workspace name. `settings` are its non-secret
    connection settings (of the production environment) where the document was made for sharing
    (an export, a Git tree); never a secret, and never in a published snapshot."""

    name: str
    connector: str
    settings: dict[str, Any] = Field(default_factory=dict)


class ActionDoc(_Model):
    id: str | None = None
    name: str
    datasource: str = Field(min_length=1, max_length=100)
    datasource_id: str | None = Field(None, alias="datasourceId")
    connector: str
    config: dict[str, Any] = Field(default_factory=dict)
    settings: ActionSettings = Field(default_factory=ActionSettings)


class JsObjectDoc(_Model):
    id: str | None = None
    name: str
    body: str = Field(max_length=MAX_JS_BYTES)
    settings: dict[str, JsFunctionSettings] = Field(
        default_factory=dict, description="Per function: runOnPageLoad, confirmBeforeRun."
    )

    @field_validator("settings", mode="before")
    @classmethod
    def _function_names(cls, value: Any) -> dict[str, JsFunctionSettings]:
        return js_settings(value)


class PageDoc(_Model):
    id: str | None = None
    name: str = Field(min_length=1, max_length=100)
    slug: str | None = None
    is_default: bool = Field(False, alias="isDefault")
    hidden: bool = False
    dsl: dict[str, Any]
    actions: list[ActionDoc] = Field(default_factory=list)
    js_objects: list[JsObjectDoc] = Field(default_factory=list, alias="jsObjects")


class AppDocument(_Model):
    format: Literal["lowcraft-app"]
    format_version: int = Field(alias="formatVersion")
    exported_at: str | None = Field(None, alias="exportedAt")
    application: ApplicationDoc
    datasources: list[DatasourceRefDoc] = Field(default_factory=list)
    pages: list[PageDoc] = Field(min_length=1)


def app_settings(app: Application) -> dict[str, Any]:
    settings = AppSettingsDoc.model_validate(app.settings or {})
    settings.public_access = app.is_public
    return settings.model_dump(by_alias=True)


def parse_document(raw: Any) -> AppDocument:
    """Read an imported document, with errors that say where it is wrong."""
    if not isinstance(raw, dict):
        raise InvalidDocument("An application document must be a JSON object.")
    if raw.get("format") != FORMAT:
        raise InvalidDocument(f"This is not a Lowcraft application export (format must be '{FORMAT}').")
    version = raw.get("formatVersion")
    if not isinstance(version, int) or version > FORMAT_VERSION or version < 1:
        raise InvalidDocument(
            f"Unsupported formatVersion {version!r}; this Lowcraft reads versions 1 to {FORMAT_VERSION}."
        )
    try:
        doc = AppDocument.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidDocument(f"Invalid application document at {where}: {first['msg']}.",
                              details={"errors": [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()[:20]]}) from None
    page_names: set[str] = set()
    every_name: set[str] = set()  # library globals are app-wide: no page may use one as a name
    for page in doc.pages:
        if page.name in page_names:
            raise InvalidDocument(f"Two pages are named '{page.name}'.")
        page_names.add(page.name)
        # Names are per page: a page's widgets, actions and JS objects share one namespace, and
        # another page may reuse any of them.
        names = set(widget_names(validate_tree(page.dsl)))
        for entity_name in [*(a.name for a in page.actions), *(j.name for j in page.js_objects)]:
            problem = name_problem(entity_name)
            if problem:
                raise InvalidDocument(f"Page '{page.name}': {problem}")
            if entity_name in names:
                raise InvalidDocument(f"Page '{page.name}': the name '{entity_name}' is already used on this page.")
            names.add(entity_name)
        every_name |= names
    _check_libraries(doc.application.js_libraries, every_name)
    return doc


def _check_libraries(libraries: list[JsLibraryDoc], entity_names: set[str]) -> None:
    """Library names are unique; each accessor is a usable global that nothing else defines."""
    seen_names: set[str] = set()
    taken: dict[str, str] = {}
    for library in libraries:
        if library.name in seen_names:
            raise InvalidDocument(f"Two JS libraries are named '{library.name}'.")
        seen_names.add(library.name)
        for accessor in library.accessor:
            problem = name_problem(accessor)
            if problem:
                raise InvalidDocument(f"JS library '{library.name}': {problem}")
            if accessor in entity_names:
                raise InvalidDocument(f"JS library '{library.name}' defines '{accessor}', which names a widget, query or JS object too.")
            if accessor in taken:
                raise InvalidDocument(f"JS libraries '{taken[accessor]}' and '{library.name}' both define '{accessor}'.")
            taken[accessor] = library.name
