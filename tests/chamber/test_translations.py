"""Every string the code marks for translation has a Chinese translation in the catalogue.

The test extracts the strings afresh (makemessages over a copy of the sources, so the
real catalogue is never touched) and compares them with locale/zh_Hans with gettext's
`msgcmp`, which refuses a message that is missing, untranslated or fuzzy. So a new
English string without its Chinese fails here, not in front of a secretariat.
"""
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

BASE = Path(settings.BASE_DIR)
CATALOGUE = BASE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCES = ["chamber", "branches", "members", "evaluations", "events", "charity", "templates"]


@pytest.mark.skipif(shutil.which("msgcmp") is None, reason="needs gettext (make system-packages)")
def test_catalogue_translates_every_marked_string(tmp_path):
    for name in SOURCES:
        shutil.copytree(BASE / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    (tmp_path / "locale").mkdir()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with override_settings(LOCALE_PATHS=[]):
            call_command("makemessages", locale=["zh_Hans"], verbosity=0)
    finally:
        os.chdir(cwd)
    extracted = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    assert extracted.exists()
    result = subprocess.run(["msgcmp", str(CATALOGUE), str(extracted)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-4000:]


def test_translation_functions_keep_names_makemessages_knows():
    """xgettext finds `_`, `gettext`, `gettext_lazy`, `ngettext`, `pgettext`…, not aliases:
    a string wrapped in `_lazy(...)` would never reach the catalogue (it happened)."""
    import re

    known = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy", "pgettext",
             "pgettext_lazy", "npgettext", "npgettext_lazy"}
    alias = re.compile(r"from django\.utils\.translation import[^\n]*\bas (\w+)")
    offenders = []
    for name in SOURCES:
        for path in (BASE / name).rglob("*.py"):
            for found in alias.findall(path.read_text(encoding="utf-8")):
                if found not in known:
                    offenders.append(f"{path.relative_to(BASE)}: {found}")
    assert offenders == []
