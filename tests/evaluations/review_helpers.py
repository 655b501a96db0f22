"""Helpers of the reviews tests (assignment, scoring, evidence, their pages and API).

States are reached by writing Submission.status / Campaign.stage directly: these tests
are about reviews, not about the campaign steps that lead there.
"""
import io
import zipfile

from django_scopes import scope, scopes_disabled

from chamber.models import ChamberKind, RoleKind
from chamber.services import chamber_create
from evaluations.models import Campaign, Indicator, Submission, SubmissionStatus
from tests.factories import user_with_role

S = SubmissionStatus


def make_submission(campaign, *, chamber=None, branch=None, status=S.PASSED, group=None, name=None):
    """A submission of `campaign` for an affiliated chamber or a sub-chamber (branch)."""
    with scope(chamber=campaign.chamber_id):
        return Submission.objects.create(
            chamber_id=campaign.chamber_id, campaign=campaign, subject_chamber=chamber, subject_branch=branch,
            subject_name=name or str(chamber or branch), status=status, group=group,
        )


def set_stage(campaign, stage):
    with scope(chamber=campaign.chamber_id):
        Campaign.objects.filter(pk=campaign.pk).update(stage=stage)
    campaign.stage = stage
    return campaign


def set_status(submission, status):
    with scope(chamber=submission.chamber_id):
        Submission.objects.filter(pk=submission.pk).update(status=status)
    submission.status = status
    return submission


def make_affiliate(federation, slug, division_code, *, supervisor=None, name=None):
    """Another chamber affiliated to `federation` (or to `supervisor`)."""
    with scopes_disabled():
        return chamber_create(actor=None, name=name or "{}商会".format(slug), slug=slug, kind=ChamberKind.TOWNSHIP,
                              division_code=division_code, supervising_federation=supervisor or federation)


def grant(make_user, chamber, username, kind=RoleKind.REVIEWER, branch=None):
    """A user with a role (a reviewer unless said otherwise)."""
    return user_with_role(make_user, chamber, username, kind, branch)


def leaves(version):
    """{code: indicator} of the star_version's scored indicators."""
    with scope(chamber=version.chamber_id):
        tree = list(Indicator.objects.filter(version=version))
    parents = {i.parent_id for i in tree}
    return {i.code: i for i in tree if i.pk not in parents}


def full_marks(version):
    """A complete sheet's scores for the star_version: 100 base points, no bonus."""
    ind = leaves(version)
    return {
        ind["1.1"].pk: ("20", ""), ind["1.2"].pk: ("20", ""), ind["2.1"].pk: (True, ""), ind["2.2"].pk: ("20", ""),
        ind["3.1"].pk: ("30", ""), ind["4"].pk: (True, ""), ind["5"].pk: ("0", "没有创新工作"),
    }


# --- Files ---------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes(size=(4, 4), fmt="PNG"):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def docx_bytes():
    """A minimal Word document as Word writes it: [Content_Types].xml first, then word/."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return out.getvalue()


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
