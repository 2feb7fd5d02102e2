"""A real SMTP server on loopback (aiosmtpd) that collects what the portal sends; tests read the messages.

Use: `from smtp_support import smtp_server  # noqa: F401` in a test module, then the `smtp_server` fixture.
"""
from __future__ import annotations

import email
import socket
import time
from email import policy

import pytest


class Collector:
    """aiosmtpd handler: keeps every message; refuses the addresses in `refuse` as a mailbox that does not exist."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        for recipient in envelope.rcpt_tos:  # one entry per delivered address, as a mailbox would get it
            self.messages.append((recipient, message))
        return "250 OK"

    def to(self, address: str) -> list:
        return [message for recipient, message in self.messages if recipient == address]

    def wait_for(self, count: int, seconds: float = 10.0) -> list:
        """For the browser test, where a worker thread sends: wait until `count` messages came (or fail)."""
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.messages) >= count, f"{len(self.messages)} of {count} mails arrived"
        return self.messages


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """(collector, port): an SMTP server on 127.0.0.1 for the length of one test."""
    from aiosmtpd.controller import Controller

    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield collector, controller.port
    finally:
        controller.stop()


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
