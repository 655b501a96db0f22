"""The PDF foundation: Chinese text in embedded Noto CJK subsets, a URL fetcher that serves
static files and data: URIs only, page numbers, PDF metadata, images as data: URIs."""
import base64
import copy
import io
import logging
import subprocess

import pytest
from django.core.files.base import ContentFile
from django.utils import translation
from django_scopes import scope
from PIL import Image
from weasyprint.urls import URLFetcher

from chamber.documents import rendering
from chamber.documents.models import CertificateKind, CertificateTemplate
from chamber.documents.rendering import image_data_uri, render_pdf

from .pdf import assert_cjk_pdf, pdf_fonts, pdf_image_count, pdf_reader, pdf_text

LOGGER = "chamber.documents.rendering"


def png_bytes(colour="red", size=(40, 20)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def write_template(settings, tmp_path):
    """Write a template into a folder the template engine searches; returns its name."""
    folder = tmp_path / "templates"
    folder.mkdir()
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [folder, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates

    def write(body, name="test_document.html"):
        (folder / name).write_text(body, encoding="utf-8")
        return name

    return write


def document(content, extra_head=""):
    return ('{% extends "documents/base.html" %}{% load static %}'
            "{% block page_css %}" + extra_head + "{% endblock %}"
            "{% block content %}" + content + "{% endblock %}")


def test_chinese_text_is_embedded_in_noto_cjk_subsets(write_template):
    name = write_template(document(
        "<h1>荣誉证书</h1><p>苏州市光电产业商会荣获<strong>五星级商会</strong>称号。</p><p>证书编号 2024-0001</p>"
    ))
    data = render_pdf(name, {"document_title": "五星级商会证书", "document_author": "苏州市光电产业商会"})

    assert_cjk_pdf(data, "荣誉证书", "苏州市光电产业商会荣获五星级商会称号。", "证书编号 2024-0001",
                   "苏州市光电产业商会 · 五星级商会证书")  # the running header
    # Serif body, sans headings, bold: three faces, all Noto CJK SC.
    assert {name.split("+")[1] for name in pdf_fonts(data)} >= {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC-Bold"}
    metadata = pdf_reader(data).metadata
    assert metadata.title == "五星级商会证书"
    assert metadata.author == "苏州市光电产业商会"


def test_a_glyph_missing_from_the_font_fails_the_check(write_template):
    # U+E000 (private use) is in no installed font: it is drawn as a blank box and the
    # text no longer extracts, so the check that the tests use fails.
    name = write_template(document("<p>商会\ue000会员</p>"))
    data = render_pdf(name, {})

    with pytest.raises(AssertionError):
        assert_cjk_pdf(data, "商会\ue000会员")


def _font_installed(family):
    try:
        out = subprocess.run(["fc-list", family, "family"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return family in out


@pytest.mark.skipif(not _font_installed("DejaVu Sans"), reason="needs a second font family installed")
def test_a_fallback_font_fails_the_check(write_template):
    name = write_template(document('<p>商会 <span style="font-family: \'DejaVu Sans\'">ABC</span></p>'))
    data = render_pdf(name, {})

    with pytest.raises(AssertionError, match="DejaVu"):
        assert_cjk_pdf(data, "商会")


def test_network_and_files_outside_static_are_refused(write_template, monkeypatch, caplog):
    opened = []
    original = URLFetcher.fetch

    def spy(self, url, headers=None):  # the parent class is the only code that opens URLs
        opened.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(URLFetcher, "fetch", spy)
    pixel = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    name = write_template(document(
        '<p>会员名单</p>'
        '<img src="http://example.com/x.png">'
        '<img src="file:///etc/passwd">'
        '<img src="/static/%2e%2e/%2e%2e/etc/passwd">'
        '<img src="' + pixel + '">',
        extra_head='<style>p { background: url("https://example.com/bg.png"); }</style>'
                   '<link rel="stylesheet" href="file:///etc/ssl/openssl.cnf">',
    ))
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        data = render_pdf(name, {})

    assert_cjk_pdf(data, "会员名单")
    assert pdf_image_count(data) == 1  # the data: URI, nothing else
    assert opened == [pixel]
    refused = " ".join(r.getMessage() for r in caplog.records if r.name == LOGGER)
    for url in ("http://example.com/x.png", "file:///etc/passwd", "%2e%2e", "https://example.com/bg.png",
                "file:///etc/ssl/openssl.cnf"):
        assert url in refused


@pytest.fixture
def static_dir(settings, tmp_path):
    folder = tmp_path / "static"
    (folder / "doctest").mkdir(parents=True)
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, folder]
    return folder


def test_a_static_image_is_embedded(write_template, static_dir, caplog):
    (static_dir / "doctest" / "seal.png").write_bytes(png_bytes())
    name = write_template(document('<p>印章</p><img src="{% static \'doctest/seal.png\' %}">'))

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        data = render_pdf(name, {})

    assert pdf_image_count(data) == 1
    assert not [r for r in caplog.records if r.name == LOGGER]
    assert "印章" in pdf_text(data)


def test_collected_static_files_are_served_without_finders(write_template, settings, tmp_path, caplog):
    # In production the files may exist only where collectstatic put them.
    settings.STATIC_ROOT = tmp_path / "collected"
    (settings.STATIC_ROOT / "doctest").mkdir(parents=True)
    (settings.STATIC_ROOT / "doctest" / "logo.png").write_bytes(png_bytes("blue"))
    name = write_template(document('<img src="{% static \'doctest/logo.png\' %}">'
                                   '<img src="{% static \'doctest/absent.png\' %}">'))

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        data = render_pdf(name, {})

    assert pdf_image_count(data) == 1
    assert "absent.png" in " ".join(r.getMessage() for r in caplog.records if r.name == LOGGER)


def test_page_numbers_in_the_footer(write_template):
    name = write_template(document('<p>第一部分</p><p class="page-break">第二部分</p>'))

    with translation.override("zh-hans"):
        data = render_pdf(name, {"document_title": "年度报告"})

    assert len(pdf_reader(data).pages) == 2
    assert_cjk_pdf(data, "第 1 页，共 2 页", "第 2 页，共 2 页", "第一部分", "第二部分")


def test_footer_follows_the_language():
    with translation.override("en"):
        assert rendering._page_counter_css() == '"Page " counter(page) " of " counter(pages)'


def test_bare_pages_have_no_header_or_footer(write_template):
    name = write_template('{% extends "documents/base.html" %}{% block body_class %}bare landscape{% endblock %}'
                          "{% block content %}<p>聘书</p>{% endblock %}")

    with translation.override("zh-hans"):
        data = render_pdf(name, {"document_title": "聘书标题", "document_author": "光电商会"})

    page = pdf_reader(data).pages[0]
    assert page.mediabox.width > page.mediabox.height  # A4 landscape
    assert pdf_text(data).strip() == "聘书"  # no running header, no page number


def test_warm_renders_share_the_font_configuration():
    assert rendering._font_config() is rendering._font_config()


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def test_image_data_uri(chamber, private_media):
    with scope(chamber=chamber):
        template = CertificateTemplate(chamber=chamber, kind=CertificateKind.MEMBERSHIP, title="会员证书",
                                       wording="{holder}")
        assert image_data_uri(template.logo) == ""  # empty

        png = png_bytes()
        template.logo.save("logo.png", ContentFile(png), save=False)
        uri = image_data_uri(template.logo)
        assert uri.startswith("data:image/png;base64,")
        assert base64.b64decode(uri.split(",", 1)[1]) == png

        template.seal.save("seal.png", ContentFile(b"<svg onload='alert(1)'></svg>"), save=False)
        assert image_data_uri(template.seal) == ""  # not an image we embed

        (private_media / template.logo.name).unlink()
        assert image_data_uri(template.logo) == ""  # gone from storage
