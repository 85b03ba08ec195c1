"""An e-mail backend for the live tests: Django's file-based backend writing into the directory
the test names in the server's environment (EMAIL_FILE_PATH), since the project's settings
read no such setting (docs/alerts.md, Delivery). Kept apart from the test modules: the server
process imports it, and must not import the tests' conftest."""

import os

from django.core.mail.backends.filebased import EmailBackend


class EnvFileEmailBackend(EmailBackend):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("file_path", os.environ["EMAIL_FILE_PATH"])
        super().__init__(*args, **kwargs)
