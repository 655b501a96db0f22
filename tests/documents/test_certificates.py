"""Certificates as services: templates (colour, placeholders, images checked), issuing for a
rating, a member and an officer (once per source), revoking with a reason, the PDF (its
Chinese text, the QR code of the verify URL) and the cache dropped when a source changes."""
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scope
from PIL import Image

from chamber.documents import services
from chamber.documents.qr import qr_data_uri, verify_url
from chamber.documents.services import (
    certificate_issue_for_membership,
    certificate_issue_for_rating,
    certificate_pdf,
    certificate_print_context,
    certificate_revoke,
    certificate_template_set,
)
from chamber.models import AuditEntry, Certificate, CertificateKind, CertificateTemplate
from evaluations.models import RatingStatus
from members.models import MembershipStatus
from members.officers import term_update
from members.services import enterprise_update, membership_change_status

from .certificate_fixtures import *  # noqa: F401,F403
from .pdf import assert_cjk_pdf

YEAR = timezone.localdate().year


def png(colour="red"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), colour).save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


# --- templates -------------------------------------------------------------------------

def test_without_a_template_the_default_chinese_wording_prints(chamber, member_certificate):
    with scope(chamber=chamber):
        context = certificate_print_context(member_certificate)
    assert context["template"].pk is None and context["template"].title == "会员证书"
    assert context["paragraphs"][0] == "兹证明苏州光电缆有限公司为苏州市光电产业商会会员，享有章程规定的权利，履行章程规定的义务。"
    assert {k: services.DEFAULT_TEMPLATES[k][0] for k in CertificateKind.values} == {
        "rating": "荣誉证书", "membership": "会员证书", "appointment": "聘书"}


def test_a_template_is_saved_with_its_images_and_audited(chamber, admin_user):
    with scope(chamber=chamber):
        template = certificate_template_set(
            chamber=chamber, actor=admin_user, kind=CertificateKind.MEMBERSHIP, orientation="portrait",
            title="会员证", wording="{holder}是{issuer}的会员，有效期至{valid_until}。", signatory="会长 张三",
            issuer_name="", colour="#1E40AF", logo=png(), seal=png("blue"))
        assert (template.colour, template.orientation, template.title) == ("#1e40af", "portrait", "会员证")
        assert template.logo.name.endswith(".png") and template.seal.name.endswith(".png")
        assert AuditEntry.objects.filter(target_type="chamber.certificatetemplate", action="create").count() == 1
        # Saving again changes the same row; clearing the logo removes it.
        again = certificate_template_set(chamber=chamber, actor=admin_user, kind="membership", logo_clear=True,
                                         title="会员证书")
        assert again.pk == template.pk and not again.logo and again.seal and again.title == "会员证书"
        assert CertificateTemplate.objects.filter(chamber=chamber).count() == 1


@pytest.mark.parametrize("fields, field, message", [
    ({"colour": "red"}, "colour", "#b22222"),
    ({"colour": "#12345"}, "colour", "#b22222"),
    ({"wording": "{holder} {uscc}"}, "wording", "{uscc}"),
    ({"wording": "{holder.__class__}"}, "wording", "{holder.__class__}"),
    ({"wording": "{holder:>99999}"}, "wording", "{holder:>99999}"),
    ({"wording": "{holder"}, "wording", "花括号"),
    ({"title": "  "}, "title", "证书名称"),
])
def test_bad_colours_and_placeholders_are_refused_and_nothing_saved(chamber, admin_user, fields, field, message):
    with scope(chamber=chamber), pytest.raises(ValidationError) as error:
        certificate_template_set(chamber=chamber, actor=admin_user, kind="rating", **fields)
    assert field in error.value.message_dict
    assert message in " ".join(error.value.message_dict[field])
    with scope(chamber=chamber):
        assert not CertificateTemplate.objects.filter(chamber=chamber).exists()


def test_a_logo_that_is_not_an_image_is_refused(chamber, admin_user):
    fake = SimpleUploadedFile("logo.png", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    with scope(chamber=chamber), pytest.raises(ValidationError) as error:
        certificate_template_set(chamber=chamber, actor=admin_user, kind="rating", logo=fake)
    assert "logo" in error.value.message_dict
    html = SimpleUploadedFile("seal.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>")
    with scope(chamber=chamber), pytest.raises(ValidationError) as error:
        certificate_template_set(chamber=chamber, actor=admin_user, kind="rating", seal=html)
    assert "seal" in error.value.message_dict


# --- issuing ---------------------------------------------------------------------------

def test_a_rating_certificate_is_issued_by_the_federation_with_the_grade(federation, rating, rating_certificate,
                                                                         fed_admin):
    c = rating_certificate
    assert (c.chamber_id, c.kind, c.holder_name) == (federation.pk, "rating", "夫子庙街道商会")
    assert c.title == "四星级（星级基层商会考评）"
    assert (c.issuer_name, c.valid_until, c.rating_id) == ("南京市工商业联合会", datetime.date(2029, 1, 9), rating.pk)
    assert c.number == "ZS-{}-00001".format(YEAR)
    with scope(chamber=federation):
        assert AuditEntry.objects.filter(target_type="chamber.certificate", action="issue",
                                         target_id=str(c.pk)).exists()


def test_issuing_again_returns_the_certificate_unless_it_was_revoked(federation, rating, rating_certificate,
                                                                     fed_admin):
    with scope(chamber=federation):
        again = certificate_issue_for_rating(rating=rating, actor=fed_admin)
        assert again.pk == rating_certificate.pk and again.already_issued
        certificate_revoke(certificate=rating_certificate, actor=fed_admin, reason="证书信息有误")
        fresh = certificate_issue_for_rating(rating=rating, actor=fed_admin)
        assert fresh.pk != rating_certificate.pk and not fresh.already_issued
        assert fresh.number == "ZS-{}-00002".format(YEAR)
        assert Certificate.objects.filter(rating=rating).count() == 2


def test_a_revoked_rating_gets_no_certificate(federation, rating, fed_admin):
    with scope(chamber=federation):
        rating.status = RatingStatus.REVOKED
        rating.save()
        with pytest.raises(ValidationError, match="撤销|revoked|Revoked"):
            certificate_issue_for_rating(rating=rating, actor=fed_admin)
        assert not Certificate.objects.exists()


def test_a_membership_certificate_runs_to_the_end_of_the_year_or_has_no_end(chamber, member, admin_user,
                                                                            member_certificate):
    c = member_certificate
    assert (c.holder_name, c.issuer_name, c.kind) == ("苏州光电缆有限公司", "苏州市光电产业商会", "membership")
    assert c.valid_until == datetime.date(YEAR, 12, 31)
    with scope(chamber=chamber):
        certificate_revoke(certificate=c, actor=admin_user, reason="重新发证")
        open_ended = certificate_issue_for_membership(membership=member, actor=admin_user, open_ended=True)
    assert open_ended.valid_until is None


def test_a_member_who_left_gets_no_certificate(chamber, member, admin_user):
    with scope(chamber=chamber):
        membership_change_status(membership=member, actor=admin_user, status=MembershipStatus.LEFT, reason="退会")
        # The instance in hand still says "active": the service reads the row.
        with pytest.raises(ValidationError, match="已退会|Left"):
            certificate_issue_for_membership(membership=member, actor=admin_user)
        assert not Certificate.objects.exists()


def test_an_appointment_letter_names_the_post_in_its_term_until_the_term_ends(chamber, position,
                                                                             officer_certificate):
    c = officer_certificate
    assert (c.holder_name, c.title, c.kind) == ("王建国", "第八届理事会副会长", "appointment")
    assert c.valid_until == position.term.ends_on
    with scope(chamber=chamber):
        paragraphs = certificate_print_context(c)["paragraphs"]
    assert paragraphs[0] == "兹聘请王建国为苏州市光电产业商会第八届理事会副会长。"


def test_numbers_count_up_across_kinds_in_the_chamber(chamber, member_certificate, officer_certificate):
    assert [member_certificate.number, officer_certificate.number] == [
        "ZS-{}-00001".format(YEAR), "ZS-{}-00002".format(YEAR)]


# --- revoking --------------------------------------------------------------------------

def test_revoking_needs_a_reason_and_is_audited(chamber, admin_user, member_certificate):
    with scope(chamber=chamber):
        with pytest.raises(ValidationError) as error:
            certificate_revoke(certificate=member_certificate, actor=admin_user, reason="  ")
        assert "reason" in error.value.message_dict
        member_certificate.refresh_from_db()
        assert member_certificate.revoked_at is None
        certificate_revoke(certificate=member_certificate, actor=admin_user, reason="会员已退会")
        member_certificate.refresh_from_db()
        assert member_certificate.revoked_at and member_certificate.revoked_reason == "会员已退会"
        entry = AuditEntry.objects.get(action="revoke", target_id=str(member_certificate.pk))
        assert entry.reason == "会员已退会"
        with pytest.raises(ValidationError):
            certificate_revoke(certificate=member_certificate, actor=admin_user, reason="again")


# --- the PDF ---------------------------------------------------------------------------

def test_the_pdf_has_the_holder_title_and_number_in_embedded_chinese_fonts(federation, rating_certificate):
    with scope(chamber=federation):
        data = certificate_pdf(rating_certificate)
    text = assert_cjk_pdf(data, "夫子庙街道商会", "四星级（星级基层商会考评）", "南京市工商业联合会",
                          "证书编号：ZS-{}-".format(YEAR), "有效期至：2029年1月9日", "扫码验证真伪")
    assert "荣誉证书" in text.replace(" ", "")  # the title is letter-spaced
    assert data.startswith(b"%PDF") and len(data) < 400 * 1024
    from .pdf import pdf_reader

    page = pdf_reader(data).pages
    assert len(page) == 1 and float(page[0].mediabox[2]) > float(page[0].mediabox[3])  # one A4 landscape page


def test_a_template_prints_its_wording_signatory_and_images(chamber, admin_user, member_certificate):
    with scope(chamber=chamber):
        certificate_template_set(chamber=chamber, actor=admin_user, kind="membership", orientation="portrait",
                                 title="会员证书", wording="{holder}：\n系本会会员单位，发证日期{issued_on}。",
                                 signatory="会长 李明", colour="#0f5132", logo=png("navy"), seal=png("red"))
        context = certificate_print_context(member_certificate)
        data = certificate_pdf(member_certificate)
    assert context["logo"].startswith("data:image/png;base64,") and context["seal"].startswith("data:image/png")
    assert not context["landscape"] and context["colour"] == "#0f5132"
    assert_cjk_pdf(data, "苏州光电缆有限公司：", "系本会会员单位", "会长 李明")
    from .pdf import pdf_image_count, pdf_reader

    assert pdf_image_count(data) >= 2  # logo and seal (the QR code is vector)
    width, height = (float(v) for v in pdf_reader(data).pages[0].mediabox[2:])
    assert height > width and len(pdf_reader(data).pages) == 1  # one A4 portrait page


def test_the_qr_code_encodes_the_verify_url_built_from_settings(chamber, member_certificate):
    url = "https://zs.example.cn/verify/{}/".format(member_certificate.code)
    assert verify_url(member_certificate.code) == url
    with scope(chamber=chamber):
        context = certificate_print_context(member_certificate)
    assert context["verify_url"] == url
    # segno draws the same symbol for the same payload: the printed code is the URL's code.
    assert context["qr"] == qr_data_uri(url)
    assert context["qr"] != qr_data_uri(url.replace("zs.", "zx."))


def test_the_pdf_is_cached_and_rendered_once(chamber, member_certificate, monkeypatch):
    calls = []
    real = services.certificate_print_context
    monkeypatch.setattr(services, "certificate_print_context", lambda c: calls.append(c.pk) or real(c))
    with scope(chamber=chamber):
        first = certificate_pdf(member_certificate)
        member_certificate.refresh_from_db()
        assert member_certificate.pdf and member_certificate.pdf_rendered_at
        assert certificate_pdf(member_certificate) == first
    assert calls == [member_certificate.pk]


def _cached(certificate, chamber):
    with scope(chamber=chamber):
        certificate_pdf(certificate)
        certificate.refresh_from_db()
        assert certificate.pdf
        return certificate.pdf.name


def test_saving_the_template_drops_the_cached_pdfs_of_its_kind_only(chamber, admin_user, member_certificate,
                                                                    officer_certificate,
                                                                    django_capture_on_commit_callbacks):
    name = _cached(member_certificate, chamber)
    _cached(officer_certificate, chamber)
    storage = member_certificate.pdf.storage
    with scope(chamber=chamber), django_capture_on_commit_callbacks(execute=True):
        certificate_template_set(chamber=chamber, actor=admin_user, kind="membership", signatory="会长 李明")
    with scope(chamber=chamber):
        member_certificate.refresh_from_db()
        officer_certificate.refresh_from_db()
        assert not member_certificate.pdf and member_certificate.pdf_rendered_at is None
        assert not storage.exists(name)
        assert officer_certificate.pdf
        assert_cjk_pdf(certificate_pdf(member_certificate), "会长 李明")


def test_a_renamed_member_drops_the_pdf_and_the_certificate_follows(chamber, member, admin_user,
                                                                    member_certificate):
    _cached(member_certificate, chamber)
    with scope(chamber=chamber):
        member_change = membership_change_status(membership=member, actor=admin_user,
                                                 status=MembershipStatus.SUSPENDED, reason="欠费")
        member_certificate.refresh_from_db()
        assert member_change and member_certificate.pdf  # a status change prints nothing new
        enterprise_update(enterprise=member.enterprise, actor=admin_user, name="苏州光电科技集团有限公司")
        member_certificate.refresh_from_db()
        assert not member_certificate.pdf
        assert member_certificate.holder_name == "苏州光电科技集团有限公司"
        assert_cjk_pdf(certificate_pdf(member_certificate), "苏州光电科技集团有限公司")


def test_a_changed_term_drops_the_pdf(chamber, position, officer_certificate, admin_user):
    _cached(officer_certificate, chamber)
    with scope(chamber=chamber):
        term_update(term=position.term, actor=admin_user, name="第八届执委会")
        officer_certificate.refresh_from_db()
    assert not officer_certificate.pdf and officer_certificate.title == "第八届执委会副会长"


def test_a_save_of_fields_not_printed_costs_no_query(chamber, member, member_certificate,
                                                     django_assert_num_queries):
    _cached(member_certificate, chamber)
    from chamber.documents.signals import membership_saved

    with scope(chamber=chamber):
        member.status = MembershipStatus.SUSPENDED
        with django_assert_num_queries(0):
            membership_saved(sender=type(member), instance=member, created=False,
                             update_fields=frozenset({"status", "joined_on", "left_on", "updated_at"}))
        with django_assert_num_queries(1):  # the name is printed: its certificates are looked at
            membership_saved(sender=type(member), instance=member, created=False,
                             update_fields=frozenset({"name"}))
        with django_assert_num_queries(1):  # a save of every field, likewise
            membership_saved(sender=type(member), instance=member, created=False)
        with django_assert_num_queries(1):  # the UPDATE alone: the documents signal adds none
            member.save(update_fields=["status"])
        member_certificate.refresh_from_db()
    assert member_certificate.pdf  # nothing printed changed


def test_a_revoked_certificate_keeps_what_it_said(chamber, member, admin_user, member_certificate):
    with scope(chamber=chamber):
        certificate_revoke(certificate=member_certificate, actor=admin_user, reason="换发")
        enterprise_update(enterprise=member.enterprise, actor=admin_user, name="新名称有限公司")
        member_certificate.refresh_from_db()
    assert member_certificate.holder_name == "苏州光电缆有限公司"


def test_a_missing_cached_file_is_rendered_again(chamber, member_certificate):
    name = _cached(member_certificate, chamber)
    member_certificate.pdf.storage.delete(name)
    with scope(chamber=chamber):
        assert_cjk_pdf(certificate_pdf(member_certificate), "苏州光电缆有限公司")


def test_revoking_a_rating_revokes_its_certificate(federation, rating, rating_certificate, fed_admin):
    from evaluations.ratings import rating_revoke

    with scope(chamber=federation):
        rating_revoke(rating=rating, actor=fed_admin, reason="发现严重违规")
        rating_certificate.refresh_from_db()
        assert rating_certificate.revoked_at is not None
        assert rating_certificate.revoked_reason == "发现严重违规"
