"""`manage.py check --deploy` under the production settings reports nothing.

A subprocess, because the settings module is chosen once per process (this one runs on
chamber.settings.test). Only the variables production demands are given.
"""
import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def test_deploy_check_is_clean(tmp_path):
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "SESSION_", "TWO_FACTOR", "DEBUG"))
    }
    env.update({
        "DJANGO_SETTINGS_MODULE": "chamber.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "chamber.example.org",
        "ID_NUMBER_KEYS": Fernet.generate_key().decode(),
        "ID_NUMBER_DIGEST_KEY": secrets.token_urlsafe(48),
        "CHAMBER_VAR_DIR": str(tmp_path),
    })
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNINGS" not in output
