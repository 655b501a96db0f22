"""Evidence uploads: PDF, images and Office documents only, checked by content not by
name, a size limit, private storage, and downloads only for those allowed — always as
an attachment, never rendered in place."""
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django_scopes import scope

from chamber.models import RoleKind
from evaluations.assignment import group_create, reviewer_add, reviewer_set_group, submission_assign_group
from evaluations.evidence import evidence_delete, evidence_upload
from evaluations.models import CampaignStage, Evidence, Submission

from tests.web.conftest import client_as  # noqa: F401 - the page tests' signed-in client

from .review_helpers import HTML, PDF, SVG, S, docx_bytes, grant, leaves, make_submission, png_bytes, set_stage, set_status


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def submission(federation, campaign, affiliate):
    set_stage(campaign, CampaignStage.SELF_ASSESSMENT)
    sub = make_submission(campaign, chamber=affiliate, status=S.ELIGIBLE)
    with scope(chamber=federation):
        return Submission.objects.select_related("campaign__version", "campaign__chamber").get(pk=sub.pk)


def upload(submission, name, content, **kwargs):
    with scope(chamber=submission.chamber_id):
        return evidence_upload(submission, actor=None, file=SimpleUploadedFile(name, content), **kwargs)


def refused(submission, name, content, **kwargs):
    with pytest.raises(ValidationError) as e:
        upload(submission, name, content, **kwargs)
    return e.value.message_dict


def test_pdf_stored_privately_with_its_hash(submission, star_version, private_media):
    ind = leaves(star_version)["1.1"]
    evidence = upload(submission, "../../会议纪要.PDF", PDF, indicator=ind, note="2025年会员大会")
    assert evidence.content_type == "application/pdf" and evidence.original_name == "会议纪要.pdf"
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest() and evidence.size == len(PDF)
    stored = private_media / evidence.file.name
    assert stored.read_bytes() == PDF
    assert ".." not in evidence.file.name and "会议" not in evidence.file.name  # the name is never the user's
    with pytest.raises(ValueError):
        evidence.file.url  # no URL: only the checked view serves it


def test_images_ok_and_checked_by_pillow(submission):
    assert upload(submission, "办公室.png", png_bytes()).content_type == "image/png"
    assert upload(submission, "photo.jpeg", png_bytes(fmt="JPEG")).original_name == "photo.jpg"
    assert upload(submission, "p.webp", png_bytes(fmt="WEBP")).content_type == "image/webp"
    assert upload(submission, "p.gif", png_bytes(fmt="GIF")).content_type == "image/gif"
    # A PNG signature with garbage after it is not an image.
    assert set(refused(submission, "broken.png", png_bytes()[:40] + b"\x00" * 200)) == {"file"}


def test_docx_ok_even_named_pdf(submission):
    assert upload(submission, "制度.docx", docx_bytes()).original_name == "制度.docx"
    renamed = upload(submission, "制度.pdf", docx_bytes())
    assert renamed.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert renamed.original_name == "制度.docx"  # stored and offered as what it is


def test_html_and_svg_refused_whatever_their_name(submission):
    for name, content in (("纪要.pdf", HTML), ("logo.png", SVG), ("logo.svg", SVG), ("a.html", HTML),
                          ("x.pdf", b"just text"), ("archive.pdf", b"PK\x03\x04" + b"\x00" * 100)):
        assert set(refused(submission, name, content)) == {"file"}, name
    with scope(chamber=submission.chamber_id):
        assert not Evidence.objects.filter(submission=submission).exists()


def test_too_large_and_empty_refused(submission, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    with translation.override("en"):
        assert refused(submission, "big.pdf", PDF + b"0" * 2000) == {"file": ["The file is larger than the limit of 1 KB."]}
    assert set(refused(submission, "empty.pdf", b"")) == {"file"}
    assert upload(submission, "ok.pdf", PDF)


def test_only_while_the_self_assessment_is_open(submission, star_version, federation, campaign):
    evidence = upload(submission, "a.pdf", PDF)
    set_status(submission, S.SELF_ASSESSED)
    with pytest.raises(ValidationError):
        upload(submission, "b.pdf", PDF)
    with scope(chamber=federation), pytest.raises(ValidationError):
        evidence_delete(evidence, actor=None)
    set_status(submission, S.RETURNED)  # returned for completion: open again
    upload(submission, "b.pdf", PDF)
    # An indicator of another version is refused.
    from evaluations.models import SchemeVersion
    from tests.evaluation_fixtures import make_indicator

    with scope(chamber=federation):
        other = SchemeVersion.objects.create(chamber=federation, scheme=star_version.scheme, label="2019",
                                             max_points=100)
        foreign = make_indicator(other, "旧指标", 10)
    assert set(refused(submission, "c.pdf", PDF, indicator=foreign)) == {"indicator"}


def test_delete_removes_the_file(submission, federation, private_media, django_capture_on_commit_callbacks):
    evidence = upload(submission, "a.pdf", PDF)
    path = private_media / evidence.file.name
    with scope(chamber=federation), django_capture_on_commit_callbacks(execute=True):
        evidence_delete(evidence, actor=None)
    with scope(chamber=federation):
        assert not path.exists() and not Evidence.objects.filter(pk=evidence.pk).exists()


# --- Downloads -------------------------------------------------------------------------------------

@pytest.fixture
def served(federation, submission, fed_admin, fed_reviewers, campaign):
    """The affiliate's PDF, its submission passed and assigned to 王's group at the inspection."""
    evidence = upload(submission, "纪要.pdf", PDF)
    set_stage(campaign, CampaignStage.INSPECTION)
    set_status(submission, S.PASSED)
    with scope(chamber=federation):
        group = group_create(campaign, actor=fed_admin, name="第一组")
        reviewer_set_group(reviewer_add(campaign, actor=fed_admin, user=fed_reviewers[0]), actor=fed_admin, group=group)
        reviewer_add(campaign, actor=fed_admin, user=fed_reviewers[1])
        submission_assign_group(submission, actor=fed_admin, group=group, reason="安排")
    return evidence


def download(client, chamber, evidence):
    return client.get(reverse("evaluations:evidence_download", kwargs={"chamber": chamber.slug, "pk": evidence.pk}))


def test_served_as_attachment_never_inline(client_as, fed_reviewers, federation, served):
    response = download(client_as(fed_reviewers[0]), federation, served)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert b"".join(response.streaming_content) == PDF


def test_who_may_download(client_as, client, federation, affiliate, served, fed_reviewers, fed_readonly,
                          affiliate_admin, outsider, street_secretary, make_user):
    assert download(client_as(fed_readonly), federation, served).status_code == 200  # staff with view
    assert download(client_as(affiliate_admin), affiliate, served).status_code == 200  # the subject, at home
    assert download(client_as(fed_reviewers[1]), federation, served).status_code == 404  # not assigned
    assert download(client_as(street_secretary), federation, served).status_code == 404  # another subject
    assert download(client_as(affiliate_admin), federation, served).status_code == 404  # not at home
    assert download(client_as(outsider), federation, served).status_code == 404
    assert download(client_as(outsider), affiliate, served).status_code == 404
    member_rep = grant(make_user, federation, "rep", kind=RoleKind.MEMBER_REPRESENTATIVE)
    assert download(client_as(member_rep), federation, served).status_code == 403  # no evaluations role
    assert download(client, federation, served).status_code == 302  # anonymous: log in
