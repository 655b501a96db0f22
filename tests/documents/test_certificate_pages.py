"""Certificate pages under /c/<chamber>/certificates/: the register (filters, search, pages,
a fixed number of queries), one certificate (status, PDF, revoking), the templates per kind,
and the issue endpoints; outsiders get 404, read-only staff 403 on writes."""
import datetime

import pytest
from django_scopes import scope

from chamber.models import Certificate, CertificateTemplate

from .certificate_fixtures import *  # noqa: F401,F403
from .certificate_fixtures import client_for
from .pdf import assert_cjk_pdf


def _url(chamber, suffix=""):
    return "/c/{}/certificates/{}".format(chamber.slug, suffix)


def _make(chamber, n, start=0, **fields):
    with scope(chamber=chamber):
        return [Certificate.objects.create(chamber=chamber, kind=fields.get("kind", "membership"),
                                           number="ZS-2026-{:05d}".format(900 + start + i),
                                           holder_name="企业{}".format(start + i),
                                           title="会员", issuer_name=chamber.name,
                                           valid_until=fields.get("valid_until")) for i in range(n)]


# --- the register ----------------------------------------------------------------------

def test_the_list_filters_by_kind_and_searches_holder_and_number(chamber, admin_user, member_certificate,
                                                                 officer_certificate):
    client = client_for(admin_user)
    html = client.get(_url(chamber)).content.decode()
    assert member_certificate.number in html and officer_certificate.number in html
    html = client.get(_url(chamber), {"kind": "appointment"}).content.decode()
    assert officer_certificate.number in html and member_certificate.number not in html
    html = client.get(_url(chamber), {"q": "光电缆"}).content.decode()
    assert member_certificate.number in html and officer_certificate.number not in html
    html = client.get(_url(chamber), {"q": officer_certificate.number[-5:]}).content.decode()
    assert officer_certificate.number in html and member_certificate.number not in html
    assert 'data-empty="true"' in client.get(_url(chamber), {"q": "没有这个"}).content.decode()


def test_the_list_is_paginated_and_shows_each_state(chamber, admin_user):
    _make(chamber, 26)
    _make(chamber, 1, start=26, valid_until=datetime.date(2020, 1, 1))
    client = client_for(admin_user)
    first = client.get(_url(chamber)).content.decode()
    assert first.count("data-certificate=") == 25 and 'data-status="genuine"' in first
    second = client.get(_url(chamber), {"page": 2}).content.decode()
    assert second.count("data-certificate=") == 2


def test_the_list_runs_a_fixed_number_of_queries(chamber, admin_user, django_assert_num_queries):
    client = client_for(admin_user)
    _make(chamber, 3)
    client.get(_url(chamber))  # warm the caches of the first request
    # session, chamber, user, roles (access); the page's own two: the count and the page's rows;
    # the layout's three: the user's chambers (ids, then rows) for the switcher, the inbox count.
    with django_assert_num_queries(9):
        assert client.get(_url(chamber)).status_code == 200
    _make(chamber, 20, start=3, kind="rating")
    with django_assert_num_queries(9):
        assert client.get(_url(chamber)).status_code == 200


def test_readers_see_the_list_and_pdf_but_not_the_write_controls(chamber, staff_readonly, member_certificate):
    client = client_for(staff_readonly)
    html = client.get(_url(chamber)).content.decode()
    assert member_certificate.number in html and "/templates/" not in html
    detail = client.get(_url(chamber, "{}/".format(member_certificate.pk))).content.decode()
    assert "/revoke/" not in detail
    assert client.get(_url(chamber, "{}/pdf/".format(member_certificate.pk))).status_code == 200


# --- one certificate -------------------------------------------------------------------

def test_the_detail_shows_the_facts_and_the_verify_address(chamber, admin_user, member_certificate):
    html = client_for(admin_user).get(_url(chamber, "{}/".format(member_certificate.pk))).content.decode()
    assert member_certificate.number in html and "苏州光电缆有限公司" in html
    assert "https://zs.example.cn/verify/{}/".format(member_certificate.code) in html
    assert 'data-status="genuine"' in html and "/revoke/" in html


def test_the_pdf_downloads_as_an_attachment_named_by_its_number(chamber, staff_readonly, member_certificate):
    response = client_for(staff_readonly).get(_url(chamber, "{}/pdf/".format(member_certificate.pk)))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="{}.pdf"'.format(member_certificate.number)
    assert_cjk_pdf(b"".join(response.streaming_content), "苏州光电缆有限公司")


def test_revoking_from_the_page_needs_a_reason(chamber, admin_user, member_certificate):
    client = client_for(admin_user)
    url = _url(chamber, "{}/revoke/".format(member_certificate.pk))
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "is-invalid" in response.content.decode()
    response = client.post(url, {"reason": "信息有误，换发"})
    assert response.status_code == 302
    with scope(chamber=chamber):
        member_certificate.refresh_from_db()
    assert member_certificate.revoked_reason == "信息有误，换发"
    html = client.get(response["Location"]).content.decode()
    assert 'data-status="revoked"' in html and "信息有误，换发" in html


# --- templates -------------------------------------------------------------------------

def test_the_template_page_shows_the_default_and_saves(chamber, admin_user):
    client = client_for(admin_user)
    url = _url(chamber, "templates/appointment/")
    html = client.get(url).content.decode()
    assert "聘书" in html and "兹聘请{holder}" in html
    response = client.post(url, {"orientation": "portrait", "title": "聘书", "wording": "兹聘请{holder}为{title}。",
                                 "signatory": "会长 李明", "issuer_name": "", "colour": "#8b0000"})
    assert response.status_code == 302
    with scope(chamber=chamber):
        template = CertificateTemplate.objects.get(chamber=chamber, kind="appointment")
    assert (template.signatory, template.colour) == ("会长 李明", "#8b0000")


def test_a_bad_template_shows_errors_and_saves_nothing(chamber, admin_user):
    response = client_for(admin_user).post(_url(chamber, "templates/rating/"), {
        "orientation": "landscape", "title": "荣誉证书", "wording": "{holder}{phone}", "colour": "#8b0000"})
    assert response.status_code == 400 and "{phone}" in response.content.decode()
    with scope(chamber=chamber):
        assert not CertificateTemplate.objects.exists()
    assert client_for(admin_user).get(_url(chamber, "templates/nonsense/")).status_code == 404


# --- issuing ---------------------------------------------------------------------------

def test_issuing_from_a_member_an_officer_and_a_rating(chamber, federation, member, position, rating, admin_user,
                                                       fed_admin):
    client = client_for(admin_user)
    response = client.post(_url(chamber, "issue/membership/{}/".format(member.pk)), {"open_ended": "on"})
    assert response.status_code == 302
    with scope(chamber=chamber):
        certificate = Certificate.objects.get(membership=member)
    assert certificate.valid_until is None and response["Location"].endswith("/{}/".format(certificate.pk))
    # Again: the same certificate, no second number.
    again = client.post(_url(chamber, "issue/membership/{}/".format(member.pk)))
    assert again["Location"] == response["Location"]
    assert client.post(_url(chamber, "issue/officer/{}/".format(position.pk))).status_code == 302
    assert client_for(fed_admin).post(_url(federation, "issue/rating/{}/".format(rating.pk))).status_code == 302
    with scope(chamber=chamber):
        assert Certificate.objects.filter(chamber=chamber).count() == 2
    with scope(chamber=federation):
        assert Certificate.objects.get(rating=rating).holder_name == "夫子庙街道商会"


def test_an_issue_refused_comes_back_with_the_message(chamber, member, admin_user):
    from members.models import Membership

    with scope(chamber=chamber):
        Membership.objects.filter(pk=member.pk).update(status="lapsed")
    back = "/c/{}/members/{}/".format(chamber.slug, member.pk)
    response = client_for(admin_user).post(_url(chamber, "issue/membership/{}/".format(member.pk)), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    with scope(chamber=chamber):
        assert not Certificate.objects.exists()


def test_a_source_of_another_chamber_is_a_404(chamber, other_chamber, admin_user, rating):
    from members.models import Membership

    with scope(chamber=other_chamber):
        theirs = Membership.objects.filter(chamber=other_chamber).first()
    client = client_for(admin_user)
    assert client.post(_url(chamber, "issue/membership/{}/".format(theirs.pk))).status_code == 404
    assert client.post(_url(chamber, "issue/rating/{}/".format(rating.pk))).status_code == 404
    assert client.get(_url(chamber, "issue/membership/{}/".format(theirs.pk))).status_code in (404, 405)


# --- who may --------------------------------------------------------------------------

def _every_url(chamber, certificate, member):
    reads = [_url(chamber), _url(chamber, "{}/".format(certificate.pk)), _url(chamber, "{}/pdf/".format(certificate.pk))]
    writes = [_url(chamber, "{}/revoke/".format(certificate.pk)), _url(chamber, "templates/rating/"),
              _url(chamber, "issue/membership/{}/".format(member.pk))]
    return reads, writes


def test_outsiders_get_404_everywhere(chamber, outsider, member, member_certificate):
    reads, writes = _every_url(chamber, member_certificate, member)
    client = client_for(outsider)
    for url in reads:
        assert client.get(url).status_code == 404, url
    for url in writes:
        assert client.post(url, {"reason": "x"}).status_code == 404, url


@pytest.mark.parametrize("role", ["staff_readonly", "treasurer"])
def test_read_only_staff_get_403_on_writes(request, chamber, member, member_certificate, role):
    reads, writes = _every_url(chamber, member_certificate, member)
    client = client_for(request.getfixturevalue(role))
    for url in reads:
        assert client.get(url).status_code == 200, url
    for url in writes:
        assert client.post(url, {"reason": "x", "title": "x", "wording": "x", "colour": "#000000",
                                 "orientation": "portrait"}).status_code == 403, url
    assert client.get(_url(chamber, "templates/rating/")).status_code == 403
    with scope(chamber=chamber):
        member_certificate.refresh_from_db()
        assert member_certificate.revoked_at is None and not CertificateTemplate.objects.exists()


def test_a_branch_limited_reader_gets_403(chamber, branch_secretary, member, member_certificate):
    client = client_for(branch_secretary)
    assert client.get(_url(chamber)).status_code == 403
    assert client.get(_url(chamber, "{}/pdf/".format(member_certificate.pk))).status_code == 403


def test_anonymous_users_are_sent_to_log_in(chamber, member_certificate):
    response = client_for(None).get(_url(chamber))
    assert response.status_code == 302 and "login" in response["Location"]
