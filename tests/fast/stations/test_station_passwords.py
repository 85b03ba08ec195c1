"""A generated station password never looks like a command-line option (the password between the
station and the backend, rotation and the frame log: tests/test_station_passwords.py)."""

import pytest

from tenants.secrets import new_station_password

pytestmark = pytest.mark.django_db


def test_a_generated_password_never_looks_like_a_command_line_option():
    # about one in 64 URL-safe tokens starts with "-"; the demo prints `--password <it>`
    passwords = [new_station_password() for _ in range(3000)]
    assert not any(p.startswith("-") for p in passwords)
    assert all(len(p) == 32 for p in passwords)
