"""Hostile Appsmith uploads: truncated or crafted zips, zip bombs, oversized exports, links.

Each is refused with a clear error of the importer's family before more than the cap is read.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import pytest

from lowcraft.appsmith.convert import convert_app
from lowcraft.appsmith.errors import ImportTooLarge, InvalidArchive, InvalidExport, UnsafeArchive
from lowcraft.appsmith.read import read_appsmith, read_export_stream
from lowcraft.appsmith.report import ImportReport
from lowcraft.appsmith.sources import CHUNK, DEFAULT_LIMITS, ImportLimits, read_zip
from lowcraft.appsmith.widgets import convert_page_tree
from lowcraft.errors import BadRequest, PayloadTooLarge
from tests.appsmith.builders import git_files, json_bytes, orders_app, single_file, zip_of


def crafted_zip(entries: list[tuple[str, bytes]], symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def test_a_truncated_zip_is_refused() -> None:
    whole = zip_of(git_files(orders_app()))
    for cut in (len(whole) // 2, len(whole) - 30, 10):
        with pytest.raises(InvalidArchive, match="truncated or corrupt"):
            read_appsmith(io.BytesIO(whole[:cut]))


def test_a_zip_with_a_corrupt_entry_is_refused() -> None:
    whole = bytearray(zip_of({"export.json": json_bytes(single_file(orders_app()))}))
    start = whole.index(b"export.json") + len("export.json")
    whole[start + 20 : start + 60] = b"\x00" * 40  # damage the compressed stream, keep the directory
    with pytest.raises(InvalidArchive):
        read_appsmith(io.BytesIO(bytes(whole)))


@pytest.mark.parametrize(
    "name",
    [
        "../evil.json",
        "pages/../../evil.json",
        "/etc/evil.json",
        "C:/evil.json",
        "..\\evil.json",
        "pages\\..\\..\\x.json",
    ],
)
def test_zip_entries_escaping_the_archive_are_refused(name: str) -> None:
    files = git_files(orders_app())
    data = crafted_zip([*files.items(), (name, b"{}")])
    with pytest.raises(UnsafeArchive) as caught:
        read_appsmith(io.BytesIO(data))
    assert caught.value.details["entry"] == name


def test_a_symbolic_link_in_a_zip_is_refused() -> None:
    data = crafted_zip(list(git_files(orders_app()).items()), symlink="datasources/link.json")
    with pytest.raises(UnsafeArchive, match="symbolic link"):
        read_appsmith(io.BytesIO(data))


def test_a_zip_bomb_is_stopped_at_the_cap_even_when_its_sizes_lie() -> None:
    limits = ImportLimits(max_total_bytes=1_000_000)
    bomb = crafted_zip([("export.json", b"0" * 5_000_000)])
    assert len(bomb) < 20_000
    with pytest.raises(ImportTooLarge):
        read_zip(io.BytesIO(bomb), limits)
    # The same bomb with its declared size forged to look small: the stream itself is counted.
    forged = bytearray(bomb)
    for header in (b"PK\x03\x04", b"PK\x01\x02"):
        at = forged.index(header)
        offset = at + (22 if header == b"PK\x03\x04" else 24)
        forged[offset : offset + 4] = (100).to_bytes(4, "little")
    with pytest.raises((ImportTooLarge, InvalidArchive)):
        read_zip(io.BytesIO(bytes(forged)), limits)


def test_a_zip_of_too_many_entries_is_refused() -> None:
    data = crafted_zip([(f"f{i}.txt", b"") for i in range(60)])
    with pytest.raises(ImportTooLarge, match="60 entries"):
        read_zip(io.BytesIO(data), ImportLimits(max_entries=50))


class CountingStream(io.RawIOBase):
    """A 60 MB upload (of blanks) that counts what the reader pulled."""

    def __init__(self, total: int = 60 * 1024 * 1024) -> None:
        self.pulled = 0
        self.total = total

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        size = min(len(buffer), self.total - self.pulled)
        buffer[:size] = b" " * size
        self.pulled += size
        return size


def test_an_export_over_50_mb_is_refused_without_reading_more_than_the_cap() -> None:
    stream = CountingStream()
    with pytest.raises(ImportTooLarge, match="50 MB") as caught:
        read_export_stream(stream)  # type: ignore[arg-type]
    assert isinstance(caught.value, PayloadTooLarge) and isinstance(caught.value, BadRequest)
    assert stream.pulled <= DEFAULT_LIMITS.max_total_bytes + CHUNK


def test_an_export_just_under_the_cap_is_read() -> None:
    doc = single_file(orders_app())
    doc["padding"] = "x" * 200_000
    data = json_bytes(doc)
    app = read_export_stream(io.BytesIO(data), ImportLimits(max_total_bytes=len(data)))
    assert app.name == "Orders admin"
    with pytest.raises(ImportTooLarge):
        read_export_stream(io.BytesIO(data), ImportLimits(max_total_bytes=len(data) - 1))


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_folder_holding_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    for rel, data in git_files(orders_app()).items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    secret = tmp_path.parent / f"{tmp_path.name}-outside.json"
    secret.write_text("{}")
    (tmp_path / "datasources" / "stolen.json").symlink_to(secret)
    with pytest.raises(UnsafeArchive, match="datasources/stolen.json"):
        read_appsmith(tmp_path)


def test_deeply_nested_json_is_refused_cleanly() -> None:
    with pytest.raises(InvalidExport, match="too deeply"):
        read_appsmith(io.BytesIO(b"[" * 200_000 + b"]" * 200_000))


def test_widgets_nested_past_the_limit_are_refused_cleanly() -> None:
    doc = single_file(orders_app())
    inner: dict[str, object] = {"widgetName": "T0", "widgetId": "t0", "type": "TEXT_WIDGET"}
    for level in range(1, 400):
        inner = {
            "widgetName": f"C{level}",
            "widgetId": f"c{level}",
            "type": "CONTAINER_WIDGET",
            "children": [inner],
        }
    doc["pageList"][0]["unpublishedPage"]["layouts"][0]["dsl"]["children"] = [inner]
    app = read_appsmith(io.BytesIO(json_bytes(doc)))
    with pytest.raises(InvalidExport, match="more than 64 levels deep"):
        convert_app(app)


def test_a_placeholder_keeps_a_deep_subtree_without_recursing() -> None:
    inner: dict[str, object] = {"widgetName": "T0", "widgetId": "t0", "type": "TEXT_WIDGET"}
    for level in range(1, 5000):
        inner = {"widgetName": f"X{level}", "widgetId": f"x{level}", "type": "X_WIDGET", "children": [inner]}
    report = ImportReport(app="t")
    tree, _ = convert_page_tree({"type": "CANVAS_WIDGET", "children": [inner]}, "P", report)
    assert tree["children"][0]["type"] == "UNSUPPORTED_WIDGET"
    assert len(report.not_carried) == 5000
