"""Import Appsmith applications: readers for every export form into a typed model, the
conversion of widget trees, queries, datasources and settings, and the import report.

Nothing here writes to the store; the import service builds on `read_appsmith` + `convert_app`.
"""

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
