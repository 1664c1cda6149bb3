"""Composing and sending email: SMTP from ``MAIL_URL``, or the log when it is empty.

``MAIL_URL`` looks like ``smtp://user:password@host:587?starttls=1`` (``smtps://`` for TLS
from the first byte). Every message carries a one-click unsubscribe (RFC 8058) and a stable
``Message-ID`` made from its outbox idempotency key, so a repeat delivery can be recognised.
"""

import logging
import smtplib
import ssl
from email import policy
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app

from campaign.services.delivery import DeliveryError

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
TRUE = ("1", "true", "yes", "on")


def compose(*, to: str, subject: str, text: str, unsubscribe_url: str, key: str) -> EmailMessage:
    sender = current_app.config["MAIL_FROM"]
    # No folding inside header values: some clients mangle a List-Unsubscribe URL split over
    # lines. 998 is RFC 5322's hard limit.
    message = EmailMessage(policy=policy.default.clone(max_line_length=998))
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = f"<{key}@{sender.rpartition('@')[2] or 'localhost'}>"
    message["Auto-Submitted"] = "auto-generated"
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text)
    return message


def send(message: EmailMessage) -> None:
    """Hand ``message`` to the SMTP server, or log it; DeliveryError if it may work later."""
    url = current_app.config["MAIL_URL"]
    if not url:
        if current_app.config["DEVELOPMENT_MAIL_LOG"]:
            # Development only, by explicit choice: the whole message, live links included.
            log.info(
                "DEVELOPMENT_MAIL_LOG: mail not sent (MAIL_URL is empty): to=%s subject=%s\n%s",
                message["To"],
                message["Subject"],
                message.get_content(),
            )
            return
        # No recipient, name or link: the log is read by more people than the inbox is.
        log.info(
            "mail not sent (MAIL_URL is empty): %s, %d characters, recipient and body "
            "withheld (DEVELOPMENT_MAIL_LOG=true prints whole messages)",
            message["Message-ID"],
            len(message.get_content()),
        )
        return
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS:
        raise DeliveryError(f"MAIL_URL scheme must be smtp or smtps, not {parts.scheme!r}")
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    timeout = current_app.config["DELIVERY_TIMEOUT_SECONDS"]
    context = ssl.create_default_context()
    try:
        if parts.scheme == "smtps":
            server = smtplib.SMTP_SSL(parts.hostname, port, timeout=timeout, context=context)
        else:
            server = smtplib.SMTP(parts.hostname, port, timeout=timeout)
        with server:
            if options.get("starttls", "").lower() in TRUE:
                server.starttls(context=context)
            if parts.username:
                server.login(unquote(parts.username), unquote(parts.password or ""))
            server.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"SMTP: {error}") from error
