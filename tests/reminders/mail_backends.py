"""An email backend for the real-worker tests: one file per message in TEST_EMAIL_FILE_PATH,
after an optional delay (TEST_EMAIL_DELAY seconds), so a test can count what a worker in
another process sent, and kill it mid-batch."""
import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class FilePerMessageBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = Path(os.environ["TEST_EMAIL_FILE_PATH"])
        delay = float(os.environ.get("TEST_EMAIL_DELAY", "0"))
        for message in email_messages:
            time.sleep(delay)
            path = folder / "{}.eml".format(uuid.uuid4().hex)
            path.write_bytes(message.message().as_bytes())
        return len(email_messages)


def sent_messages(folder):
    """(recipient, Message-ID) of every message written to `folder`."""
    from email import message_from_bytes

    found = []
    for path in sorted(Path(folder).glob("*.eml")):
        message = message_from_bytes(path.read_bytes())
        found.append((message["To"], message["Message-ID"]))
    return found
