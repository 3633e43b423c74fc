"""The importer's public names: what the import service, CLI and API may rely on."""

from lowcraft import appsmith


def test_the_exported_names_are_pinned() -> None:
    assert sorted(appsmith.__all__) == sorted(
        [
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
    )
    for name in appsmith.__all__:
        assert getattr(appsmith, name) is not None
