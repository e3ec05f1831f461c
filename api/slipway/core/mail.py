"""Deliver messages to users: SMTP when configured, else the operator's log."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from ..config import Config

log = logging.getLogger("slipway.mail")


class Mailer:
    def __init__(
        self,
        server: str = "",
        user: str = "",
        password: str = "",
        sender: str = "",
        starttls: bool = True,
    ) -> None:
        self.server, self.user, self.password = server, user, password
        self.sender, self.starttls = sender, starttls

    @classmethod
    def from_config(cls, config: Config) -> Mailer:
        return cls(
            config["smtp:server"],
            config["smtp:user"],
            config["smtp:password"],
            config["smtp:from"],
            config["smtp:starttls"],
        )

    @property
    def delivers(self) -> bool:
        """Whether messages reach the user (SMTP) rather than the operator's log."""
        return bool(self.server)

    def send(self, to: str, subject: str, body: str) -> None:
        if not self.server:
            log.warning("no smtp:server configured; message for %s: %s\n%s", to, subject, body)
            return
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(body)
        host, _, port = self.server.rpartition(":")
        with smtplib.SMTP(host, int(port), timeout=10) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(message)
