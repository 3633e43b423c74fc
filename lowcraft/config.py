"""Instance configuration: every setting is a `LOWCRAFT_*` environment variable.

The data directory is the single volume of an install: the SQLite store, the encryption key, Git
clones, backups and logs all live below it, so one directory is all an operator must keep.

Settings come from the environment, and from an env file only when `LOWCRAFT_ENV_FILE` names
one: a `.env` in the working directory is never read, since a file a datasource could write must
not be able to change the next start (issue 11). The named file must lie outside every folder
datasources may use.
"""

from __future__ import annotations

import os
import re
import secrets
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

SignupPolicy = Literal["open", "invite"]

# One CSP source: 'none', a scheme (`https:`) or a host source (`https://*.example.com:8443/api/`);
# nothing that could end the directive or add another (`;`, `,`, quotes, spaces).
_CSP_SOURCE = re.compile(
    r"'none'|[a-z][a-z0-9+.\-]*:|([a-z][a-z0-9+.\-]*://)?(\*\.)?[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*(:([0-9]{1,5}|\*))?(/[A-Za-z0-9\-._~/%]*)?"
)


class Settings(BaseSettings):
    """Lowcraft's settings, read from `LOWCRAFT_*` variables (and the file `LOWCRAFT_ENV_FILE` names)."""

    model_config = SettingsConfigDict(env_prefix="LOWCRAFT_", env_file=None, extra="ignore")

    data_dir: Path = Field(Path("./lowcraft-data"), description="The single volume holding all state.")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL of the store; default: SQLite file lowcraft.db in the data dir."
    )
    redis_url: str | None = Field(
        None, description="Redis for sessions, rate limits and caches; default: database + in-process."
    )
    encryption_key: str | None = Field(
        None, description="Key for secrets at rest (base64, 32 bytes); default: secret.key in the data dir."
    )
    host: str = Field("127.0.0.1", description="Address the server listens on.")
    port: int = Field(8080, ge=1, le=65535, description="Port the server listens on.")
    trusted_proxies: str = Field(
        "127.0.0.1", description="Comma-separated proxy addresses whose X-Forwarded-For/-Proto are believed ('*' for all)."
    )
    base_url: str = Field("http://127.0.0.1:8080", description="Public URL; https makes cookies Secure.")
    signup: str = Field(
        "open",
        description="'open', 'invite' (only invited emails), or a comma-separated list of allowed email domains.",
    )
    admin_emails: str = Field("", description="Comma-separated emails that become instance administrators.")
    log_format: Literal["text", "json"] = Field("text", description="Request and server log format.")
    log_level: str = Field("INFO", description="Python log level.")
    max_body_mb: float = Field(10.0, gt=0, description="Largest accepted request body, in MB.")
    max_response_mb: float = Field(5.0, gt=0, description="Largest query/API response returned, in MB.")
    datasource_connections: int = Field(
        40,
        ge=1,
        description="Connections one server process may hold open to all datasources together; "
        "each datasource pool takes up to its pool size of them (sizing: deploy/README.md).",
    )
    allow_private_networks: bool = Field(
        False,
        description="Instance-wide default: may datasources reach private and loopback addresses? "
        "An instance administrator can allow or refuse it per workspace.",
    )
    denied_addresses: str = Field(
        "",
        description="Comma-separated host, host:port, [IPv6]:port or CIDR entries no datasource may reach, "
        "whatever the private-network setting (the store's and Redis's own addresses are always denied).",
    )
    js_library_urls: str = Field(
        "",
        description="Comma-separated URL prefixes from which Developers may install JS libraries into apps "
        "(e.g. https://cdn.jsdelivr.net/npm/); instance administrators may add more in Admin, JS libraries. "
        "Default: none, so no library can be installed.",
    )
    js_library_max_mb: float = Field(2.0, gt=0, le=50, description="Largest JS library the server fetches, in MB.")
    sandbox_connect_src: str = Field(
        "https:",
        description="What apps' JavaScript may fetch() from the viewer's browser: the CSP connect-src of the "
        "engine sandbox (default 'https:', any HTTPS address, as Appsmith allows; \"'none'\" for no network; or "
        "a space-separated list of origins). The sandbox's origin is opaque, so no Lowcraft cookie travels.",
    )
    sqlite_roots: str = Field(
        "",
        description="Comma-separated folders for SQLite datasource files; a workspace's datasources open only "
        "<folder>/<workspace id>/, created when needed (default: data dir 'files/').",
    )
    env_file: Path | None = Field(
        None, description="A file of LOWCRAFT_* settings to read; never one in a datasource folder (no .env is read otherwise)."
    )
    session_idle_minutes: int = Field(60 * 24 * 3, gt=0, description="Sessions end after this much idle time.")
    session_max_hours: int = Field(24 * 30, gt=0, description="Sessions end this long after login, whatever.")
    trash_retention_days: int = Field(30, gt=0, description="Deleted applications are purged after this.")
    version_retention: int = Field(
        100, ge=0,
        description="Versions kept per application (publishes and restores), newest first; 0 keeps every one. "
        "The published version is always kept.",
    )
    version_retention_days: int = Field(
        0, ge=0, description="Versions older than this many days are pruned (0: no age limit); the published one stays.",
    )
    git_operation_timeout_seconds: int = Field(
        120, ge=5, le=3600,
        description="Longest a Git operation waits for an application's lock; lock files a killed Git operation "
        "left in a clone are removed once older than this.",
    )
    smtp_host: str | None = Field(None, description="SMTP server for password reset and invites.")
    smtp_port: int = Field(587, description="SMTP port.")
    smtp_username: str | None = Field(None, description="SMTP user.")
    smtp_password: str | None = Field(None, description="SMTP password.")
    smtp_from: str = Field("lowcraft@localhost", description="Sender of Lowcraft's emails.")
    smtp_starttls: bool = Field(True, description="Use STARTTLS with the SMTP server.")
    argon2_time_cost: int = Field(3, ge=1, description="argon2id iterations for password hashes.")
    argon2_memory_kib: int = Field(65536, ge=8, description="argon2id memory per hash, KiB.")
    web_dist: Path | None = Field(None, description="Folder of the built web client; default: the packaged one.")
    metrics_token: str | None = Field(None, description="If set, /metrics requires this bearer token.")
    workflow_step_timeout_ms: int = Field(
        5000, ge=50, description="CPU time a workflow's script may use between two steps (ms); a runaway loop is stopped."
    )
    workflow_memory_mb: int = Field(128, ge=16, description="Memory a workflow's script may use (V8 heap), MB.")
    workflow_sandboxes: int = Field(4, ge=1, description="Processes that run workflow scripts (each holds one V8 isolate at a time).")
    workflow_concurrency: int = Field(
        10, ge=1, description="Runs of one workflow that may execute at once, across all replicas; more wait in the queue."
    )
    workflow_worker_threads: int = Field(64, ge=4, description="Runs this replica executes at once (runs waiting for a decision hold none).")
    workflow_retention_days: int = Field(30, ge=1, description="Finished workflow runs are deleted after this many days.")
    workflow_executor_id: str = Field(
        "local",
        description="This replica's name for the workflow engine; give each replica a stable, unique one "
        "(a StatefulSet pod name) so a restarted replica resumes its own runs.",
    )
    workflow_executor_timeout_seconds: float = Field(
        30, ge=2, le=3600,
        description="On PostgreSQL, a replica that has not said it is alive for this long is taken to be dead: "
        "another replica resumes the runs it was executing.",
    )
    recaptcha_script_url: str = Field(
        "https://www.google.com/recaptcha/api.js",
        description="Google reCAPTCHA's client script, loaded by buttons with a site key (e.g. www.recaptcha.net where Google is blocked).",
    )

    sign_in_providers: str = Field(
        "",
        description="Sign-in providers as code: a JSON list of {slug, kind, name, settings, enabled, createAccounts, "
        "roleMapping} (docs/sign-in.md); read-only in the admin page.",
    )
    password_login: bool | None = Field(
        None,
        description="Whether people may log in with a password (instance administrators always may: the "
        "break-glass path); unset: the admin page decides.",
    )
    sign_in_allow_loopback: bool = Field(
        False, description="Allow sign-in providers on loopback addresses (tests, a provider on this machine)."
    )
    realtime_origins: str = Field(
        "", description="Comma-separated origins besides the base URL's whose pages may open the real-time WebSocket."
    )
    realtime_max_connections_per_user: int = Field(
        20, ge=1, description="Open real-time WebSockets per user and server process."
    )
    realtime_max_frame_bytes: int = Field(
        1_000_000, ge=1024, description="Largest real-time WebSocket frame accepted, in bytes."
    )
    realtime_save_seconds: float = Field(
        2.0, gt=0, description="Co-editing: how often at most the shared state of an app is saved into the store."
    )
    realtime_idle_seconds: float = Field(
        60.0, gt=0, description="Real-time WebSockets without a frame for this long are closed (clients ping every 20 s)."
    )
    realtime_send_queue: int = Field(
        256, ge=8, description="Frames waiting for a slow real-time client before its connection is dropped."
    )
    workflow_webhook_max_kb: int = Field(
        256, ge=1, le=10_240, description="Largest body a workflow's webhook accepts, in KB (larger: 413, no run)."
    )
    workflow_webhook_replay_hours: int = Field(
        24, ge=1, le=24 * 30,
        description="A webhook call repeating an Idempotency-Key (or X-Lowcraft-Delivery) seen this recently is refused.",
    )
    workflow_schedule_tick_seconds: float = Field(
        15.0, gt=0, le=300, description="How often each replica looks for workflow schedules that are due."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        named = os.environ.get("LOWCRAFT_ENV_FILE")
        if not named:
            return init_settings, env_settings, file_secret_settings
        return init_settings, env_settings, DotEnvSettingsSource(settings_cls, env_file=named), file_secret_settings

    @field_validator("env_file")
    @classmethod
    def _env_file_out_of_reach(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        if value is None:
            return value
        if not value.resolve().is_file():
            raise ValueError(f"LOWCRAFT_ENV_FILE names {value}, which is not a file")
        data_dir = info.data.get("data_dir")
        if data_dir is None:  # not valid itself: its own error is reported
            return value
        for root in sqlite_roots(info.data.get("sqlite_roots", ""), data_dir):
            if value.resolve().is_relative_to(root):
                raise ValueError(f"LOWCRAFT_ENV_FILE must not lie in {root}, where datasources may write files")
        return value

    @field_validator("sandbox_connect_src")
    @classmethod
    def _connect_sources(cls, value: str) -> str:
        sources = value.split()
        if not sources or any(not _CSP_SOURCE.fullmatch(s) for s in sources):
            raise ValueError(
                "LOWCRAFT_SANDBOX_CONNECT_SRC must be \"'none'\", or CSP sources such as 'https:' or "
                "'https://api.example.com' separated by spaces"
            )
        if "'none'" in sources and len(sources) > 1:
            raise ValueError("LOWCRAFT_SANDBOX_CONNECT_SRC: \"'none'\" stands alone")
        return " ".join(sources)

    @field_validator("signup")
    @classmethod
    def _signup_policy(cls, value: str) -> str:
        value = value.strip().lower()
        if value in ("open", "invite"):
            return value
        domains = [d.strip().lstrip("@") for d in value.split(",") if d.strip()]
        if not domains or any("." not in d for d in domains):
            raise ValueError("LOWCRAFT_SIGNUP must be 'open', 'invite' or a list of email domains")
        return ",".join(domains)

    @field_validator("recaptcha_script_url")
    @classmethod
    def _script_url(cls, value: str) -> str:
        value = value.strip()
        # Browsers load it into every page with a reCAPTCHA button, so only a web address will do.
        if not re.fullmatch(r"https?://[^\s/?#]+(?:[/?#]\S*)?", value):
            raise ValueError("LOWCRAFT_RECAPTCHA_SCRIPT_URL must be the http(s) address of a script")
        return value

    @cached_property
    def signup_domains(self) -> frozenset[str]:
        """Email domains allowed to sign up, empty unless the policy is a domain list."""
        if self.signup in ("open", "invite"):
            return frozenset()
        return frozenset(self.signup.split(","))

    @cached_property
    def admin_email_set(self) -> frozenset[str]:
        return frozenset(e.strip().lower() for e in self.admin_emails.split(",") if e.strip())

    @cached_property
    def js_library_url_prefixes(self) -> tuple[str, ...]:
        """The library URL prefixes allowed by `LOWCRAFT_JS_LIBRARY_URLS` (not those saved by administrators)."""
        return tuple(dict.fromkeys(p.strip() for p in self.js_library_urls.split(",") if p.strip()))

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'lowcraft.db').resolve()}"

    @property
    def sqlite_root_paths(self) -> tuple[Path, ...]:
        return sqlite_roots(self.sqlite_roots, self.data_dir)

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    def ensure_data_dir(self) -> None:
        for sub in ("", "git", "backups", "logs"):
            (self.data_dir / sub).mkdir(parents=True, exist_ok=True)

    def load_encryption_key(self) -> bytes:
        """The instance key: from the environment, else `secret.key` (created 0600 on first start)."""
        import base64

        if self.encryption_key:
            raw = base64.b64decode(self.encryption_key)
            if len(raw) != 32:
                raise ValueError("LOWCRAFT_ENCRYPTION_KEY must be 32 bytes, base64-encoded")
            return raw
        path = self.data_dir / "secret.key"
        if not path.exists():
            self.ensure_data_dir()
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(base64.b64encode(secrets.token_bytes(32)).decode())
        return base64.b64decode(path.read_text().strip())


def sqlite_roots(setting: str, data_dir: Path) -> tuple[Path, ...]:
    """The resolved folders of LOWCRAFT_SQLITE_ROOTS; each workspace has a folder below each."""
    roots = [Path(p.strip()).resolve() for p in setting.split(",") if p.strip()]
    return tuple(roots) or ((data_dir / "files").resolve(),)


def settings_help() -> str:
    """One line per variable, for `lowcraft serve --help` and the README."""
    lines = []
    for name, field in Settings.model_fields.items():
        default = field.default
        shown = "" if default is None else f" (default: {default})"
        lines.append(f"LOWCRAFT_{name.upper()}: {field.description}{shown}")
    return "\n".join(lines)
