"""`lowcraft check`: lint exported applications offline, with an exit code for CI."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from lowcraft.bindings.check import main
from tests.bindings.apps import action, app, page, widget

ROOT = Path(__file__).resolve().parents[2]


def write(folder: Path, name: str, document: Any) -> Path:
    path = folder / name
    path.write_text(json.dumps(document) if not isinstance(document, str) else document, encoding="utf-8")
    return path


def good() -> dict[str, Any]:
    return app(page("P", [widget("Text1", text="{{q.data}}")], [action("q")]))


def run(paths: list[Path], output_format: str = "text") -> tuple[int, str]:
    out = io.StringIO()
    code = main(paths, output_format, out=out)
    return code, out.getvalue()


def test_a_clean_app_exits_zero(tmp_path: Path) -> None:
    code, output = run([write(tmp_path, "app.json", good())])
    assert code == 0
    assert "1 file(s) checked: 0 error(s), 0 warning(s)" in output


def test_errors_exit_one_and_name_the_place(tmp_path: Path) -> None:
    broken = app(page("Orders", [widget("Text1", text="{{Nope.x}}")]))
    code, output = run([write(tmp_path, "app.json", broken)])
    assert code == 1
    assert "Orders/Text1.text:1:3: error[unknown_entity]" in output


def test_each_page_is_checked_with_its_own_names(tmp_path: Path) -> None:
    def orders(name: str, text: str) -> dict[str, Any]:
        return page(name, [widget("Table1", "TABLE_WIDGET_V2", tableData="{{q.data}}"), widget("Text1", text=text)], [action("q")])

    reused = app(orders("One", "{{Table1.selectedRow.id}}"), orders("Two", "{{Table1.selectedRow.id}}"))
    assert run([write(tmp_path, "reused.json", reused)])[0] == 0
    across = app(orders("One", "{{Table1.selectedRow.id}}"), page("Two", [widget("Text2", text="{{q.data}}")]))
    code, output = run([write(tmp_path, "across.json", across)])
    assert code == 1 and "Two/Text2.text:1:3: error[unknown_entity]" in output


def test_a_directory_checks_every_json_file_and_reports_unreadable_ones(tmp_path: Path) -> None:
    write(tmp_path, "a.json", good())
    write(tmp_path, "b.json", "{not json")
    write(tmp_path, "c.json", {"format": "something-else"})
    write(tmp_path, "notes.txt", "ignored")
    code, output = run([tmp_path], "json")
    report = json.loads(output)
    assert code == 1
    assert [Path(f["path"]).name for f in report["files"]] == ["a.json", "b.json", "c.json"]
    assert report["files"][0]["errors"] == 0
    assert "not valid JSON" in report["files"][1]["failure"]
    assert "lowcraft-app" in report["files"][2]["failure"]
    assert report["errors"] == 2


def test_json_output_lists_diagnostics(tmp_path: Path) -> None:
    document = app(page("P", [widget("Text1", text="{{q.run()}}")], [action("q")]))
    code, output = run([write(tmp_path, "app.json", document)], "json")
    (diagnostic,) = json.loads(output)["files"][0]["diagnostics"]
    assert code == 1
    assert diagnostic["code"] == "trigger_in_data_binding"
    assert set(diagnostic) == {
        "page",
        "entity",
        "property",
        "start",
        "end",
        "line",
        "column",
        "severity",
        "code",
        "message",
    }


def test_a_missing_path_is_an_error(tmp_path: Path) -> None:
    code, output = run([tmp_path / "nope.json"])
    assert code == 1 and "no such file" in output


def test_it_runs_as_a_module(tmp_path: Path) -> None:
    path = write(tmp_path, "app.json", good())
    done = subprocess.run(
        [sys.executable, "-m", "lowcraft.bindings.check", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["errors"] == 0
    assert "RuntimeWarning" not in done.stderr


def test_the_lowcraft_command_checks_files_with_exit_codes(tmp_path: Path) -> None:
    clean = write(tmp_path, "clean.json", good())
    broken = write(tmp_path, "broken.json", app(page("Orders", [widget("Text1", text="{{Nope.x}}")])))
    command = [sys.executable, "-m", "lowcraft.cli", "check"]
    ok = subprocess.run([*command, str(clean)], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    failed = subprocess.run([*command, "--format", "json", str(broken)], capture_output=True, text=True, timeout=60)
    assert failed.returncode == 1
    assert "unknown_entity" in failed.stdout
