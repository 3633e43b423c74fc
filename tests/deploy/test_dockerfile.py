"""deploy/Dockerfile builds one non-root container, configured by LOWCRAFT_* variables, with one volume.

No Docker engine runs on the build machines, so the Dockerfile is read here instead of built: its
instructions are checked, and its Python stages are replayed on this machine, each stage in its
own directory standing in for the image's filesystem (node stages are not replayed: the web
client's own build covers them).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pytest

from lowcraft.config import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO_ROOT / "deploy" / "Dockerfile"
DOCKERIGNORE = REPO_ROOT / "deploy" / "Dockerfile.dockerignore"

# Paths of the image's operating system: never written by the replay, never mapped into it.
SYSTEM_PREFIXES = ("/usr", "/bin", "/sbin", "/lib", "/etc", "/dev", "/proc", "/sys")
# Variables the image may set besides LOWCRAFT_*: Python's and the virtualenv's plumbing.
PLUMBING_VARIABLES = {"PATH", "VIRTUAL_ENV", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE"}
PYTHON_INSTALL_STEP = re.compile(r"\b(pip|venv)\b")


# --- reading a Dockerfile --------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    keyword: str
    flags: tuple[tuple[str, str], ...]
    args: str

    def flag(self, name: str) -> str | None:
        return next((value for key, value in self.flags if key == name), None)

    def flag_values(self, name: str) -> list[str]:
        return [value for key, value in self.flags if key == name]


@dataclass
class Stage:
    name: str
    base: str
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Instruction:
        found = self.all(keyword)
        assert found, f"stage {self.name} has no {keyword}"
        return found[-1]

    @property
    def is_python(self) -> bool:
        return self.base.startswith("python:")


def logical_lines(text: str) -> Iterator[str]:
    """Instructions with their backslash continuations joined and comment lines dropped."""
    pending: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending.append(line[:-1].strip())
            continue
        pending.append(line)
        yield " ".join(pending)
        pending = []
    assert not pending, "the Dockerfile ends inside a line continuation"


def parse_instruction(line: str) -> Instruction:
    keyword, _, rest = line.partition(" ")
    flags: list[tuple[str, str]] = []
    rest = rest.strip()
    while rest.startswith("--"):
        token, _, rest = rest.partition(" ")
        name, _, value = token[2:].partition("=")
        flags.append((name, value))
        rest = rest.strip()
    return Instruction(keyword.upper(), tuple(flags), rest)


def parse_dockerfile(text: str) -> list[Stage]:
    stages: list[Stage] = []
    for line in logical_lines(text):
        instruction = parse_instruction(line)
        if instruction.keyword == "FROM":
            words = instruction.args.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else str(len(stages))
            stages.append(Stage(name=name, base=words[0]))
        else:
            assert stages, f"{instruction.keyword} before the first FROM"
            stages[-1].instructions.append(instruction)
    return stages


def exec_form(instruction: Instruction) -> list[str]:
    """The JSON argument list of CMD/ENTRYPOINT/HEALTHCHECK CMD; shell form is refused."""
    args = instruction.args
    if instruction.keyword == "HEALTHCHECK":
        assert args.startswith("CMD "), "HEALTHCHECK should name a command"
        args = args[len("CMD ") :]
    value = json.loads(args)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), (
        f"{instruction.keyword} should use the exec form (a JSON list), so signals reach the server"
    )
    return value


def exec_form_or_words(instruction: Instruction) -> list[str]:
    if instruction.args.startswith("["):
        return [str(word) for word in json.loads(instruction.args)]
    return instruction.args.split()


def expand(value: str, env: dict[str, str]) -> str:
    return re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m.group(1), ""), value)


def parse_env(instruction: Instruction, env: dict[str, str]) -> dict[str, str]:
    """The variables one ENV instruction sets, in the image's own terms."""
    words = shlex.split(instruction.args)
    if words and "=" not in words[0]:
        return {words[0]: expand(" ".join(words[1:]), env)}
    values: dict[str, str] = {}
    for word in words:
        key, _, value = word.partition("=")
        values[key] = expand(value, env | values)
    return values


def image_env(stage: Stage) -> dict[str, str]:
    env = {"PATH": "/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"}
    for instruction in stage.all("ENV"):
        env.update(parse_env(instruction, env))
    return env


# --- reading a .dockerignore -----------------------------------------------------------------


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    pattern = pattern.strip("/")
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def dockerignore_rules(text: str) -> list[tuple[bool, re.Pattern[str]]]:
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        rules.append((negated, _pattern_regex(line.lstrip("!"))))
    return rules


def is_ignored(relative: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parents decides."""
    parts = PurePosixPath(relative).parts
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    ignored = False
    for negated, regex in rules:
        if any(regex.fullmatch(candidate) for candidate in candidates):
            ignored = not negated
    return ignored


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return parse_dockerfile(DOCKERFILE.read_text())


@pytest.fixture(scope="module")
def runtime(stages: list[Stage]) -> Stage:
    return stages[-1]


@pytest.fixture(scope="module")
def ignore_rules() -> list[tuple[bool, re.Pattern[str]]]:
    return dockerignore_rules(DOCKERIGNORE.read_text())


# --- what the image is -------------------------------------------------------------------------


def test_node_builds_the_web_client_and_a_slim_python_runs_the_server(stages: list[Stage]) -> None:
    node = [s for s in stages if s.base.startswith("node:20")]
    assert node, "a node:20 stage should build the web client"
    assert any("npm run build" in run.args for run in node[0].all("RUN"))
    assert any(
        copy.flag("from") == node[0].name and "web_dist" in copy.args
        for stage in stages
        for copy in stage.all("COPY")
    ), "the built client should be packaged as lowcraft/web_dist"
    assert stages[-1].base == "python:3.11-slim"


def test_runs_as_a_fixed_non_root_user(runtime: Stage) -> None:
    user = runtime.last("USER").args.split(":")[0]
    # Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
    assert user.isdigit() and int(user) != 0


def test_everything_stateful_is_one_volume_at_lowcraft_stacks(runtime: Stage) -> None:
    volumes = [v for instruction in runtime.all("VOLUME") for v in exec_form_or_words(instruction)]
    assert volumes == ["/lowcraft-stacks"]
    assert image_env(runtime)["LOWCRAFT_DATA_DIR"] == "/lowcraft-stacks"


def test_is_configured_only_through_lowcraft_variables(runtime: Stage) -> None:
    env = image_env(runtime)
    foreign = {k for k in env if not k.startswith("LOWCRAFT_")} - PLUMBING_VARIABLES
    assert not foreign, f"the image sets variables Lowcraft does not read: {sorted(foreign)}"
    lowcraft_env = {
        k.removeprefix("LOWCRAFT_").lower(): v for k, v in env.items() if k.startswith("LOWCRAFT_")
    }
    unknown = set(lowcraft_env) - set(Settings.model_fields)
    assert not unknown, f"LOWCRAFT_* variables the server does not know: {sorted(unknown)}"
    settings = Settings.model_validate(lowcraft_env)
    assert settings.host == "0.0.0.0", "the server must listen beyond the container's loopback"

    command = exec_form(runtime.last("ENTRYPOINT")) + exec_form(runtime.last("CMD"))
    assert command == ["lowcraft", "serve"], "serve applies migrations; options come from the environment"
    exposed = runtime.last("EXPOSE").args.split()
    assert exposed == [str(settings.port)]


def test_healthcheck_probes_the_health_endpoint_with_python_alone(runtime: Stage) -> None:
    command = exec_form(runtime.last("HEALTHCHECK"))
    assert command[0] == "python"
    assert not {"curl", "wget"} & set(command)
    script = command[1]
    sources = [
        copy.args.split()[0]
        for copy in runtime.all("COPY")
        if copy.flag("from") is None and copy.args.split()[-1] == script
    ]
    assert sources == ["deploy/healthcheck.py"], f"{script} should be copied from deploy/healthcheck.py"
    assert "/api/v1/health" in (REPO_ROOT / sources[0]).read_text()


def test_every_copied_source_exists_and_is_in_the_build_context(
    stages: list[Stage], ignore_rules: list[tuple[bool, re.Pattern[str]]]
) -> None:
    for stage in stages:
        for copy in stage.all("COPY"):
            if copy.flag("from") is not None:
                continue
            for source in copy.args.split()[:-1]:
                assert (REPO_ROOT / source).exists(), f"COPY {source} in stage {stage.name}: no such file"
                assert not is_ignored(source.rstrip("/"), ignore_rules), (
                    f"COPY {source} in stage {stage.name}: excluded by {DOCKERIGNORE.name}"
                )


@pytest.mark.parametrize(
    "local_state",
    [
        ".venv/bin/python",
        ".git/HEAD",
        "lowcraft-data/secret.key",
        "web/node_modules/react/index.js",
        "web/dist/index.html",
        "lowcraft/web_dist/index.html",
        "lowcraft/__pycache__/cli.cpython-311.pyc",
        ".env",
    ],
)
def test_the_build_context_leaves_out_local_state_and_secrets(
    local_state: str, ignore_rules: list[tuple[bool, re.Pattern[str]]]
) -> None:
    assert is_ignored(local_state, ignore_rules)


# --- replaying the Python stages -------------------------------------------------------------


@dataclass
class Replay:
    """One stage's filesystem as a directory on this machine, and how image paths map into it."""

    stage: Stage
    root: Path
    shim_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    workdir: str = "/"

    def host(self, image_path: str) -> Path | None:
        if image_path.startswith(SYSTEM_PREFIXES):
            return None
        return self.root / image_path.lstrip("/")

    def resolve(self, path: str) -> str:
        return path if path.startswith("/") else str(PurePosixPath(self.workdir) / path)

    def host_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
        for key, value in self.env.items():
            if key == "PATH":
                continue
            mapped = self.host(value) if value.startswith("/") else None
            env[key] = str(mapped) if mapped is not None else value
        own_dirs = [str(self.host(p)) for p in self.env["PATH"].split(":") if p and self.host(p) is not None]
        env["PATH"] = os.pathsep.join([*own_dirs, str(self.shim_dir), os.environ["PATH"]])
        return env

    def map_command(self, command: str) -> str:
        def to_host(match: re.Match[str]) -> str:
            mapped = self.host(match.group(0))
            return str(mapped) if mapped is not None else match.group(0)

        return re.sub(r"(?<![^\s='\"])/[^\s'\";&|)]*", to_host, command)


def python_shim(directory: Path, image: str) -> Path:
    """`python` on PATH as in the image: this interpreter, which must be the image's version."""
    tag = image.split(":")[1]
    version = ".".join(tag.split("-")[0].split(".")[:2])
    if f"{sys.version_info.major}.{sys.version_info.minor}" != version:
        pytest.skip(f"the image runs Python {version}; this machine runs {sys.version.split()[0]}")
    directory.mkdir(parents=True, exist_ok=True)
    shim = directory / "python"
    if not shim.exists():
        shim.symlink_to(getattr(sys, "_base_executable", sys.executable))
    return directory


def copy_tree(
    source: Path, destination: Path, context_relative: str | None, rules: list[tuple[bool, re.Pattern[str]]]
) -> None:
    """COPY semantics: a directory's contents into the destination, skipping what the context ignores."""
    assert source.exists(), f"COPY {source}: no such file, the image build would stop here"
    if source.is_file():
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
        return
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if context_relative is not None and is_ignored(f"{context_relative}/{relative}", rules):
            continue
        if path.is_file():
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


@dataclass
class ReplayLog:
    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def replay_stages(
    stages: list[Stage], workspace: Path, rules: list[tuple[bool, re.Pattern[str]]], log: ReplayLog
) -> dict[str, Replay]:
    replays: dict[str, Replay] = {}
    # For stages that are not replayed: which image directory holds which part of the context.
    context_dirs: dict[str, list[tuple[str, str]]] = {}
    for stage in stages:
        if not stage.is_python:
            context_dirs[stage.name] = []
            workdir = "/"
            for instruction in stage.instructions:
                if instruction.keyword == "WORKDIR":
                    workdir = str(PurePosixPath(workdir) / instruction.args)
                elif instruction.keyword == "COPY" and instruction.flag("from") is None:
                    *sources, destination = instruction.args.split()
                    image_dest = str(PurePosixPath(workdir) / destination)
                    context_dirs[stage.name] += [
                        (image_dest, s.rstrip("/")) for s in sources if s.endswith("/")
                    ]
            log.skipped.append(f"stage {stage.name} ({stage.base})")
            continue

        replay = Replay(stage, workspace / stage.name, python_shim(workspace / "shim", stage.base))
        replay.env = {"PATH": "/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"}
        replays[stage.name] = replay
        for instruction in stage.instructions:
            if instruction.keyword == "WORKDIR":
                replay.workdir = replay.resolve(instruction.args)
                host = replay.host(replay.workdir)
                assert host is not None
                host.mkdir(parents=True, exist_ok=True)
            elif instruction.keyword == "ENV":
                replay.env.update(parse_env(instruction, replay.env))
            elif instruction.keyword == "COPY":
                *sources, destination = instruction.args.split()
                dest = replay.host(replay.resolve(destination))
                if dest is None:
                    log.skipped.append(f"{stage.name}: COPY into the system: {instruction.args}")
                    continue
                into_dir = destination.endswith("/") or len(sources) > 1
                for source in sources:
                    origin = instruction.flag("from")
                    target = dest / Path(source).name if into_dir and not source.endswith("/") else dest
                    if origin is None:
                        copy_tree(REPO_ROOT / source, target, source.rstrip("/"), rules)
                    elif origin in replays:
                        copy_tree(replays[origin].host(source) or Path(source), target, None, rules)
                    else:
                        built = next(
                            (
                                REPO_ROOT / ctx / source[len(d) :].strip("/")
                                for d, ctx in context_dirs[origin]
                                if source.startswith(d)
                            ),
                            None,
                        )
                        if built is not None and built.exists():
                            copy_tree(built, target, None, rules)
                            log.ran.append(
                                f"{stage.name}: COPY --from={origin} {source} (taken from {built})"
                            )
                        else:
                            log.skipped.append(
                                f"{stage.name}: COPY --from={origin} {source} (not built here)"
                            )
            elif instruction.keyword == "RUN":
                if not PYTHON_INSTALL_STEP.search(instruction.args):
                    log.skipped.append(f"{stage.name}: RUN {instruction.args[:60]}…")
                    continue
                for mount in instruction.flag_values("mount"):
                    options = dict(part.split("=", 1) for part in mount.split(","))
                    if options.get("type") == "bind":
                        # Cache mounts need nothing: pip here already reuses this machine's cache.
                        source_root = replays[options["from"]]
                        link = replay.host(options["target"])
                        origin_dir = source_root.host(options["source"])
                        assert link is not None and origin_dir is not None
                        link.parent.mkdir(parents=True, exist_ok=True)
                        link.symlink_to(origin_dir, target_is_directory=True)
                cwd = replay.host(replay.workdir)
                result = subprocess.run(
                    ["sh", "-ec", replay.map_command(instruction.args)],
                    cwd=cwd,
                    env=replay.host_env(),
                    capture_output=True,
                    text=True,
                    check=False,
                    timeout=600,
                )
                assert result.returncode == 0, (
                    f"{stage.name}: RUN {instruction.args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
                )
                log.ran.append(f"{stage.name}: RUN {instruction.args}")
            elif instruction.keyword in ("ADD", "SHELL", "ONBUILD"):
                pytest.fail(f"{instruction.keyword} in a Python stage: keep the Dockerfile to plain steps")
    return replays


@pytest.mark.slow
def test_the_image_python_steps_install_a_working_lowcraft(
    stages: list[Stage], ignore_rules: list[tuple[bool, re.Pattern[str]]], tmp_path: Path
) -> None:
    log = ReplayLog()
    replays = replay_stages(stages, tmp_path, ignore_rules, log)
    runtime = replays[stages[-1].name]
    assert any("pip install" in step for step in log.ran), f"no pip install was replayed: {log}"

    entrypoint = exec_form(runtime.stage.last("ENTRYPOINT"))
    env = runtime.host_env()
    executable = shutil.which(entrypoint[0], path=env["PATH"])
    assert executable is not None and executable.startswith(str(runtime.root)), (
        f"{entrypoint[0]} should come from the image's virtualenv, found {executable}"
    )
    data_dir = runtime.host(runtime.workdir)
    assert data_dir is not None
    data_dir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [executable, *entrypoint[1:], "version"],
        cwd=data_dir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    version = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert version in result.stdout

    # Bytecode is compiled when the image is built: the server, which runs with
    # PYTHONDONTWRITEBYTECODE on a package it must not write, compiles nothing when it starts.
    assert env.get("PYTHONDONTWRITEBYTECODE") == "1"
    python = shutil.which("python", path=env["PATH"])
    assert python is not None and python.startswith(str(runtime.root))
    imported = subprocess.run(
        [python, "-v", "-c", "import lowcraft.app, lowcraft.cli"], cwd=data_dir, env=env,
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert imported.returncode == 0, imported.stderr[-2000:]
    from_source = [
        line.removeprefix("# code object from ") for line in imported.stderr.splitlines()
        if line.startswith("# code object from ") and line.endswith(".py") and str(runtime.root) in line
    ]
    from_bytecode = [line for line in imported.stderr.splitlines()
                     if line.startswith("# code object from '") and "/lowcraft/" in line]
    assert from_bytecode, "lowcraft's modules should load from the image's .pyc files"
    assert not from_source, f"compiled from source at start, not when the image was built: {from_source[:5]}"

    if (REPO_ROOT / "web" / "dist" / "index.html").exists():
        packaged = list(runtime.root.glob("opt/*/lib/python*/site-packages/lowcraft/web_dist/index.html"))
        assert packaged, "the installed package should carry the built web client"
