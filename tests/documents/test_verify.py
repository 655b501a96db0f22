"""The public verification page a certificate's QR code opens: no sign-in, any chamber; the
state shown prominently (genuine / expired / revoked); only the printed facts, nothing
private; an unknown code is a 404 saying it is not a certificate of this platform."""
import datetime

from django.test import Client
from django_scopes import scope

from chamber.documents.services import certificate_revoke
from chamber.models import Certificate

from .certificate_fixtures import *  # noqa: F401,F403


def _page(code):
    return Client().get("/verify/{}/".format(code))


def test_a_valid_certificate_is_shown_genuine_with_its_public_facts(member_certificate, member):
    response = _page(member_certificate.code)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-state="genuine"' in html and 'data-state="expired"' not in html
    for fact in ("苏州光电缆有限公司", "苏州市光电产业商会", member_certificate.number, member_certificate.title,
                 member_certificate.issued_on.isoformat(), member_certificate.valid_until.isoformat()):
        assert fact in html
    assert response["Cache-Control"] == "no-store"


def test_nothing_private_is_shown(chamber, member, member_certificate, admin_user):
    with scope(chamber=chamber):
        certificate_revoke(certificate=member_certificate, actor=admin_user, reason="内部原因：会费纠纷")
        enterprise = member.enterprise
    html = _page(member_certificate.code).content.decode()
    assert enterprise.uscc not in html  # no USCC
    assert member.member_number not in html and "GD-001" not in html
    assert "会费纠纷" not in html  # the reason stays inside the chamber
    assert "alice" not in html  # nor who issued or revoked it
    assert "/c/{}/".format(chamber.slug) not in html  # no links into the chamber, no ids
    assert "/certificates/" not in html and "苏州光电缆有限公司" in html


def test_an_expired_certificate_says_so(chamber, member_certificate):
    with scope(chamber=chamber):
        Certificate.objects.filter(pk=member_certificate.pk).update(
            issued_on=datetime.date(2020, 1, 1), valid_until=datetime.date.today() - datetime.timedelta(days=1))
    html = _page(member_certificate.code).content.decode()
    assert 'data-state="expired"' in html and 'data-state="genuine"' not in html


def test_a_certificate_valid_until_today_is_still_genuine(chamber, member_certificate):
    with scope(chamber=chamber):
        Certificate.objects.filter(pk=member_certificate.pk).update(valid_until=datetime.date.today())
    assert 'data-state="genuine"' in _page(member_certificate.code).content.decode()


def test_a_revoked_certificate_says_so_even_when_it_has_also_expired(chamber, member_certificate, admin_user):
    with scope(chamber=chamber):
        certificate_revoke(certificate=member_certificate, actor=admin_user, reason="退会")
        Certificate.objects.filter(pk=member_certificate.pk).update(valid_until=datetime.date(2020, 1, 1))
    html = _page(member_certificate.code).content.decode()
    assert 'data-state="revoked"' in html and 'data-state="expired"' not in html


def test_an_open_ended_certificate_has_no_end_date(chamber, member_certificate):
    with scope(chamber=chamber):
        Certificate.objects.filter(pk=member_certificate.pk).update(valid_until=None)
    response = _page(member_certificate.code)
    assert 'data-state="genuine"' in response.content.decode()


def test_a_rating_certificate_of_the_federation_verifies_too(rating_certificate):
    html = _page(rating_certificate.code).content.decode()
    assert 'data-state="genuine"' in html and "南京市工商业联合会" in html and "四星级" in html


def test_an_unknown_code_is_a_404_saying_it_is_not_ours(member_certificate):
    for code in ("no-such-code", member_certificate.code[:-1], "x" * 100):
        response = _page(code)
        assert response.status_code == 404
        assert 'data-state="unknown"' in response.content.decode()
        assert "苏州光电缆有限公司" not in response.content.decode()

