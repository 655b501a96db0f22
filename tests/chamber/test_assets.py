"""Every asset a page uses is served from this installation: no CDN, nothing external.

A federation's intranet has no internet access; a page that pulled a stylesheet or script
from outside would render broken there. These tests fail when an asset is missing (e.g. the
npm packages were not installed by the set-up) or when a page names an outside address.
"""
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings

STATIC_REF = re.compile(r"""\{%\s*static\s+['"]([^'"]+)['"]\s*%\}""")
URL_ATTR = re.compile(r"""(?:src|href|action)=["']([^"']+)["']""")


def _base_template_assets():
    with open("templates/base.html", encoding="utf-8") as handle:
        return STATIC_REF.findall(handle.read())


def test_base_layout_uses_the_vendored_front_end():
    assets = _base_template_assets()
    assert "vendor/bootstrap/css/bootstrap.min.css" in assets
    assert "vendor/htmx/htmx.min.js" in assets


@pytest.mark.parametrize("path", _base_template_assets())
def test_every_asset_of_the_layout_is_installed(path):
    assert finders.find(path), f"{path} is not installed (run `make assets`)"


def test_icon_font_files_are_installed():
    assert finders.find("vendor/bootstrap-icons/fonts/bootstrap-icons.woff2")


@override_settings(DEBUG=False)
@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/no-such-page/"])
def test_pages_name_no_outside_address(client, db, url):
    html = client.get(url).content.decode()
    external = [u for u in URL_ATTR.findall(html) if u.startswith(("http:", "https:", "//"))]
    assert external == []
