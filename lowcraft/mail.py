"""Sending Lowcraft's own emails (password reset, invitations); without SMTP they go to the log."""

from __future__ import annotations

import logging
import smtplib
import threading
from email.message import EmailMessage

from lowcraft.config import Settings

log = logging.getLogger("lowcraft.mail")


class Mailer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.sent: list[EmailMessage] = []  # the last messages, for the operator's log view

    def send(self, to: str, subject: str, body: str) -> None:
        msg = EmailMessage()
        msg["From"] = self.settings.smtp_from
        msg["To"] = to
        msg["Subject"] = subject
        msg.set_content(body)
        self.sent = [*self.sent[-19:], msg]
        if not self.settings.smtp_host:
            log.warning("SMTP is not configured; email to %s: %s\n%s", to, subject, body)
            return
        # Sending must not hold up the request, and a failing mail server must not fail it.
        threading.Thread(target=self._deliver, args=(msg,), daemon=True).start()

    def _deliver(self, msg: EmailMessage) -> None:
        s = self.settings
        assert s.smtp_host
        try:
            with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=15) as smtp:
                if s.smtp_starttls:
                    smtp.starttls()
                if s.smtp_username:
                    smtp.login(s.smtp_username, s.smtp_password or "")
                smtp.send_message(msg)
        except (OSError, smtplib.SMTPException) as exc:
            log.error("could not send email to %s: %s", msg["To"], exc)
