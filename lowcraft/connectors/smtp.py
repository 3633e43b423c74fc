"""SMTP connector: send one email (text or HTML, with attachments) per execution.

The mail server's host passes the same outbound network policy as HTTP requests: the name is
resolved once, every address checked, and the socket opened to the checked address (TLS still
verifies the name).
"""

from __future__ import annotations

import base64
import binascii
import smtplib
import socket
import ssl
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Annotated, Any, Literal

import anyio
from pydantic import BaseModel, Field

from lowcraft.connectors.base import (
    Connection,
    Connector,
    ConnectorSamples,
    ExecutionResult,
    InstancePolicy,
    Limits,
    TestResult,
)
from lowcraft.connectors.errors import (
    AuthFailed,
    BadParameters,
    ConnectionFailed,
    ConnectorError,
    QueryFailed,
    Timeout,
)
from lowcraft.connectors.netguard import connect_allowed
from lowcraft.connectors.schema import Binds, Secret


class SmtpConfig(BaseModel):
    """The mail server; `security` is how the connection is encrypted."""

    host: str = "127.0.0.1"
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["none", "starttls", "ssl"] = "starttls"
    username: str = ""
    password: Annotated[str, Secret()] = ""
    default_from: str = ""
    connect_timeout_seconds: float = Field(default=10, gt=0, le=60)


class Attachment(BaseModel):
    """A file to attach; `content` is base64 unless `encoding` is `text`."""

    filename: str
    content: str
    content_type: str = "application/octet-stream"
    encoding: Literal["base64", "text"] = "base64"


class SmtpQuery(BaseModel):
    """One email. Address fields take comma-separated addresses."""

    to: Annotated[str, Binds("text")]
    cc: Annotated[str, Binds("text")] = ""
    bcc: Annotated[str, Binds("text")] = ""
    from_address: Annotated[str, Binds("text")] = ""
    reply_to: Annotated[str, Binds("text")] = ""
    subject: Annotated[str, Binds("text")] = ""
    body: Annotated[str, Binds("text")] = ""
    body_type: Literal["text", "html"] = "text"
    attachments: Annotated[list[Attachment], Binds("text")] = Field(default_factory=list)


def _addresses(field: str) -> list[str]:
    return [addr for _, addr in getaddresses([field]) if addr]


def build_message(query: SmtpQuery, default_from: str) -> EmailMessage:
    """The email as it will be sent; header values with line breaks are refused."""
    sender = query.from_address or default_from
    if not sender:
        raise BadParameters(
            "The email has no sender.", "Set a From address or the datasource's default sender."
        )
    if not _addresses(query.to + "," + query.cc + "," + query.bcc):
        raise BadParameters("The email has no recipient.")
    message = EmailMessage()
    try:
        message["From"] = sender
        message["To"] = query.to
        if query.cc:
            message["Cc"] = query.cc
        if query.reply_to:
            message["Reply-To"] = query.reply_to
        message["Subject"] = query.subject
    except ValueError as exc:
        raise BadParameters(f"An email header is not acceptable: {exc}") from None
    message.set_content(query.body, subtype="html" if query.body_type == "html" else "plain")
    for attachment in query.attachments:
        if attachment.encoding == "text":
            data = attachment.content.encode()
        else:
            try:
                data = base64.b64decode(attachment.content, validate=True)
            except (binascii.Error, ValueError):
                raise BadParameters(f"The attachment {attachment.filename!r} is not valid base64.") from None
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            data, maintype=maintype, subtype=subtype or "octet-stream", filename=attachment.filename
        )
    return message


class _GuardedSMTP(smtplib.SMTP):
    """smtplib's client with its socket opened through the network guard."""

    def __init__(self, policy: InstancePolicy, timeout: float) -> None:
        self.policy = policy
        super().__init__(timeout=timeout)  # no host: `connect` is called separately

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return connect_allowed(host, port, self.policy, timeout)


class _GuardedSMTPSSL(smtplib.SMTP_SSL, _GuardedSMTP):
    """SMTP over TLS from the first byte: SMTP_SSL wraps the guarded socket and checks the name."""

    def __init__(self, policy: InstancePolicy, timeout: float, context: ssl.SSLContext) -> None:
        self.policy = policy
        smtplib.SMTP_SSL.__init__(self, timeout=timeout, context=context)


def _open(config: SmtpConfig, policy: InstancePolicy, timeout: float) -> smtplib.SMTP:
    server: smtplib.SMTP
    if config.security == "ssl":
        server = _GuardedSMTPSSL(policy, timeout, context=ssl.create_default_context())
    else:
        server = _GuardedSMTP(policy, timeout)
    try:
        server.connect(config.host, config.port)
        if config.security == "starttls":
            server.starttls(context=ssl.create_default_context())
        if config.username:
            server.login(config.username, config.password)
    except BaseException:
        server.close()
        raise
    return server


class SmtpConnector(Connector[SmtpConfig, SmtpQuery]):
    """Sends email through a mail server."""

    type_name = "smtp"
    display_name = "SMTP (email)"
    connection_schema = SmtpConfig
    query_schema = SmtpQuery
    samples = ConnectorSamples(
        connection={"host": "127.0.0.1", "port": 1, "security": "none", "default_from": "app@example.com"},
        unreachable={"host": "127.0.0.1", "port": 9, "security": "none", "connect_timeout_seconds": 2},
        query={"to": "{{Input1.text}}", "subject": "Hello {{Input2.text}}", "body": "Order {{Input2.text}}"},
        params={"Input1.text": "ops@example.com", "Input2.text": "#42"},
        at=lambda host, port: {
            "host": host, "port": port, "security": "none", "default_from": "app@example.com", "connect_timeout_seconds": 2
        },
    )

    @contextmanager
    def map_errors(self) -> Iterator[None]:
        try:
            yield
        except ConnectorError:
            raise
        except smtplib.SMTPAuthenticationError as exc:
            raise AuthFailed(f"The mail server refused the login: {_smtp_text(exc)}") from None
        except smtplib.SMTPRecipientsRefused as exc:
            refused = ", ".join(exc.recipients)
            raise QueryFailed(f"The mail server refused the recipients: {refused}") from None
        except smtplib.SMTPResponseException as exc:
            raise QueryFailed(f"The mail server answered {exc.smtp_code}: {_smtp_text(exc)}") from None
        except (TimeoutError, smtplib.SMTPServerDisconnected) as exc:
            if isinstance(exc, TimeoutError):
                raise Timeout("The mail server did not answer within the time limit.") from None
            raise ConnectionFailed(f"The mail server closed the connection: {exc}") from None
        except smtplib.SMTPException as exc:
            raise QueryFailed(f"Sending failed: {exc}") from None
        except OSError as exc:
            raise ConnectionFailed(f"Could not connect to the mail server: {exc.strerror or exc}") from None

    async def test(self, conn: Connection[SmtpConfig]) -> TestResult:
        def check() -> None:
            server = _open(conn.config, conn.policy, conn.config.connect_timeout_seconds)
            try:
                server.noop()
            finally:
                server.quit()

        try:
            with self.map_errors():
                await anyio.to_thread.run_sync(check)
        except ConnectorError as exc:
            return TestResult(False, exc.message, exc.code, exc.hint)
        return TestResult(
            True, f"The mail server at {conn.config.host}:{conn.config.port} accepted the connection."
        )

    async def execute(
        self, conn: Connection[SmtpConfig], query: SmtpQuery, params: Sequence[Any] | None, limits: Limits
    ) -> ExecutionResult:
        message = build_message(query, conn.config.default_from)
        recipients = _addresses(", ".join(filter(None, [query.to, query.cc, query.bcc])))

        def send() -> dict[str, Any]:
            server = _open(
                conn.config, conn.policy, min(conn.config.connect_timeout_seconds, limits.timeout_seconds)
            )
            try:
                refused = server.send_message(message, to_addrs=recipients)
            finally:
                server.quit()
            return {"accepted": [r for r in recipients if r not in refused], "refused": sorted(refused)}

        with self.map_errors():
            with anyio.fail_after(limits.timeout_seconds):
                body = await anyio.to_thread.run_sync(send, abandon_on_cancel=True)
        return ExecutionResult(
            body=body,
            request={
                "from": message["From"],
                "to": recipients,
                "subject": query.subject,
                "attachments": [a.filename for a in query.attachments],
            },
        )


def _smtp_text(exc: smtplib.SMTPResponseException) -> str:
    error = exc.smtp_error
    return error.decode(errors="replace") if isinstance(error, bytes) else str(error)
