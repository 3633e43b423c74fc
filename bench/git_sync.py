"""Git sync of a large app: commit and pull times against the `git` CLI on the same tree.

The app: 20 pages x 50 text widgets, 2 queries and a JS object a page (~1,000 widgets, 140 files
in its tree), connected over smart HTTP (`git http-backend` behind basic auth, as in the tests).
Each round changes one widget, then:

- commit: Lowcraft's `POST .../git/commit` (edit state -> file tree -> blobs and trees written
  in memory -> commit -> journal -> branch -> store), against the `git` CLI committing the very
  same tree in a working clone (`git add -A && git commit`), the bare-repository baseline;
- pull: a collaborator pushes a one-widget change; Lowcraft's `POST .../git/pull` (fetch,
  fast-forward, the tree read and validated, the edit state replaced in one transaction) against
  `git pull` of the same change into a CLI clone.

Medians of N rounds, in one run, with the ratios.

    .venv/bin/python bench/git_sync.py [--rounds 7] [--pages 20] [--widgets 50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient

from lowcraft.app import create_app
from lowcraft.appmodel.file_tree import document_to_files
from tests.conftest import Instance, make_settings
from tests.git.remotes import git, git_http
from tests.git.support import document, new_app, set_text
from lowcraft.store.db import Database
from lowcraft.store.migrate import upgrade


def _write_tree(folder: Path, files: dict[str, bytes]) -> None:
    for path, data in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _timed(fn: Any) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--widgets", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lowcraft-bench-git-") as tmp:
        root = Path(tmp)
        url_db = f"sqlite:///{root / 'lowcraft.db'}"
        upgrade(Database(url_db))
        settings = make_settings(root / "data", url_db)
        app = create_app(settings, migrate=False)
        with TestClient(app) as main_client, git_http(root / "remotes") as server:
            client = Instance(app, settings, main_client).user("bench@example.com", "Bench")
            doc = document(pages=args.pages, widgets=args.widgets, queries=2)
            app_id = new_app(client, doc)
            url = server.create("big.git")
            client.ok("POST", f"/api/v1/applications/{app_id}/git/connect", json={
                "remoteUrl": url, "auth": "token", "username": server.user, "token": server.token})
            files = document_to_files(client.ok("GET", f"/api/v1/applications/{app_id}/export"))
            widgets = sum(len(p["dsl"]["children"]) for p in doc["pages"])
            print(f"app: {args.pages} pages, {widgets} widgets, {len(files)} files, "
                  f"{sum(len(v) for v in files.values()) / 1024:.0f} KiB tree")
            cli = root / "cli"  # the baseline's working clone, committing the same trees
            git("clone", "-q", server.authed(url), str(cli), cwd=root)
            other = root / "other"  # the collaborator pushing changes
            git("clone", "-q", server.authed(url), str(other), cwd=root)
            puller = root / "puller"  # the baseline's pulling clone
            git("clone", "-q", server.authed(url), str(puller), cwd=root)

            lc_commit, cli_commit, lc_pull, cli_pull = [], [], [], []
            for round_ in range(args.rounds):
                page = f"Page{round_ % args.pages + 1}" if round_ % args.pages else "Home"
                set_text(client, app_id, "Text7", f"round {round_}", page)
                lc_commit.append(_timed(lambda: client.ok(
                    "POST", f"/api/v1/applications/{app_id}/git/commit", json={"message": f"round {round_}"})))
                tree = document_to_files(client.ok("GET", f"/api/v1/applications/{app_id}/export"))
                _write_tree(cli, tree)
                cli_commit.append(_timed(lambda: (git("add", "-A", cwd=cli),
                                                  git("commit", "-q", "-m", f"round {round_}", cwd=cli))))
                client.ok("POST", f"/api/v1/applications/{app_id}/git/push")

                git("pull", "-q", "--no-rebase", cwd=other)
                page_file = other / "pages" / ("home" if page == "Home" else page.lower()) / "page.json"
                content = json.loads(page_file.read_text())
                content["dsl"]["children"][10]["text"] = f"theirs {round_}"
                page_file.write_text(json.dumps(content, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
                git("commit", "-q", "-am", f"theirs {round_}", cwd=other)
                git("push", "-q", "origin", "main", cwd=other)
                outcome: dict[str, Any] = {}
                lc_pull.append(_timed(lambda: outcome.update(client.ok("POST", f"/api/v1/applications/{app_id}/git/pull"))))
                assert outcome["result"] == "fast-forward", outcome
                cli_pull.append(_timed(lambda: git("pull", "-q", "--no-rebase", cwd=puller)))
        app.state.runtime.close()

    def row(label: str, ours: list[float], base: list[float]) -> None:
        a, b = statistics.median(ours), statistics.median(base)
        print(f"{label:<8} Lowcraft {a:8.1f} ms   git CLI {b:8.1f} ms   ratio {a / b:5.2f}x")

    print(f"medians of {args.rounds} rounds (one widget changed per round):")
    row("commit", lc_commit, cli_commit)
    row("pull", lc_pull, cli_pull)


if __name__ == "__main__":
    main()
