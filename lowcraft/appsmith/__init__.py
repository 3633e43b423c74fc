"""Import Appsmith applications: readers for every export form into a typed model, the
conversion of widget trees, queries, datasources and settings, and the import report.

Nothing here writes to the store; the import service builds on `read_appsmith` + `convert_app`.

A lazy package (`lowcraft.lazy`): the Appsmith model, readers and converters load with the first
import or the first placeholder upgrade, not when the server starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lowcraft.lazy import make_lazy

if TYPE_CHECKING:
    from lowcraft.appsmith.actions import ConvertedAction, NotConvertible, connector_for, convert_action
    from lowcraft.appsmith.convert import ConvertedApp, ConvertedPage, DatasourceStub, convert_app
    from lowcraft.appsmith.errors import (
        AppsmithImportError,
        ImportTooLarge,
        InvalidArchive,
        InvalidExport,
        UnsafeArchive,
        UnsupportedVersion,
    )
    from lowcraft.appsmith.model import (
        AppsmithAction,
        AppsmithApp,
        AppsmithDatasource,
        AppsmithJsFunction,
        AppsmithJsLib,
        AppsmithJsObject,
        AppsmithPage,
        AppsmithTheme,
    )
    from lowcraft.appsmith.read import read_appsmith, read_export_stream, read_files, read_zip_stream
    from lowcraft.appsmith.report import ImportReport, NextStep, ReportItem
    from lowcraft.appsmith.sources import DEFAULT_LIMITS, ImportLimits
    from lowcraft.appsmith.widgets import PLACEHOLDER_TYPE, convert_page_tree, upgrade_placeholders

_HOMES = {
    "AppsmithAction": "lowcraft.appsmith.model",
    "AppsmithApp": "lowcraft.appsmith.model",
    "AppsmithDatasource": "lowcraft.appsmith.model",
    "AppsmithImportError": "lowcraft.appsmith.errors",
    "AppsmithJsFunction": "lowcraft.appsmith.model",
    "AppsmithJsLib": "lowcraft.appsmith.model",
    "AppsmithJsObject": "lowcraft.appsmith.model",
    "AppsmithPage": "lowcraft.appsmith.model",
    "AppsmithTheme": "lowcraft.appsmith.model",
    "ConvertedAction": "lowcraft.appsmith.actions",
    "ConvertedApp": "lowcraft.appsmith.convert",
    "ConvertedPage": "lowcraft.appsmith.convert",
    "DEFAULT_LIMITS": "lowcraft.appsmith.sources",
    "DatasourceStub": "lowcraft.appsmith.convert",
    "ImportLimits": "lowcraft.appsmith.sources",
    "ImportReport": "lowcraft.appsmith.report",
    "ImportTooLarge": "lowcraft.appsmith.errors",
    "InvalidArchive": "lowcraft.appsmith.errors",
    "InvalidExport": "lowcraft.appsmith.errors",
    "NextStep": "lowcraft.appsmith.report",
    "NotConvertible": "lowcraft.appsmith.actions",
    "PLACEHOLDER_TYPE": "lowcraft.appsmith.widgets",
    "ReportItem": "lowcraft.appsmith.report",
    "UnsafeArchive": "lowcraft.appsmith.errors",
    "UnsupportedVersion": "lowcraft.appsmith.errors",
    "connector_for": "lowcraft.appsmith.actions",
    "convert_action": "lowcraft.appsmith.actions",
    "convert_app": "lowcraft.appsmith.convert",
    "convert_page_tree": "lowcraft.appsmith.widgets",
    "read_appsmith": "lowcraft.appsmith.read",
    "read_export_stream": "lowcraft.appsmith.read",
    "read_files": "lowcraft.appsmith.read",
    "read_zip_stream": "lowcraft.appsmith.read",
    "upgrade_placeholders": "lowcraft.appsmith.widgets",
}

make_lazy(__name__, _HOMES)

__all__ = [
    "DEFAULT_LIMITS",
    "PLACEHOLDER_TYPE",
    "AppsmithAction",
    "AppsmithApp",
    "AppsmithDatasource",
    "AppsmithImportError",
    "AppsmithJsFunction",
    "AppsmithJsLib",
    "AppsmithJsObject",
    "AppsmithPage",
    "AppsmithTheme",
    "ConvertedAction",
    "ConvertedApp",
    "ConvertedPage",
    "DatasourceStub",
    "ImportLimits",
    "ImportReport",
    "ImportTooLarge",
    "InvalidArchive",
    "InvalidExport",
    "NextStep",
    "NotConvertible",
    "ReportItem",
    "UnsafeArchive",
    "UnsupportedVersion",
    "connector_for",
    "convert_action",
    "convert_app",
    "convert_page_tree",
    "read_appsmith",
    "read_export_stream",
    "read_files",
    "read_zip_stream",
    "upgrade_placeholders",
]
