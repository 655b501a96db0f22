"""The ratings register: writes (a grade recorded by hand, a revocation, the awards of a
campaign) and reads (the register with its filters, what expires soon, a subject's
history, the ratings a subject holds for the prerequisite checks).

A rating row belongs to the federation that keeps the register (`chamber`); its subject
is one of the federation's own sub-chambers or a chamber affiliated to it. A subject
chamber reads its own ratings across the wall (`rating_list_for_subject_chamber`).
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from branches.models import Branch, BranchKind, BranchStatus
from chamber.audit import audit_record
from chamber.models import Chamber

from . import grading
from .models import GradeRule, Rating, RatingStatus, SchemeVersion

# Branch kinds that are chambers in their own right (street, industry ... chambers), as
# opposed to committees, party branches or departments: only these are rated.
CHAMBER_LIKE_BRANCH_KINDS = (BranchKind.INDUSTRY, BranchKind.TOWNSHIP, BranchKind.OUT_OF_TOWN, BranchKind.PARK)
EXPIRING_DAYS = 90


# --- Subjects ------------------------------------------------------------------------------------


def subject_problem(federation, *, branch=None, chamber=None):
    """Why `branch` / `chamber` cannot be rated by `federation`, or None.

    A subject is one of the federation's own sub-chambers (a branch of a chamber-like
    kind) or a chamber whose supervising federation it is.
    """
    if (branch is None) == (chamber is None):
        return _("Name either a sub-chamber or an affiliated chamber.")
    if branch is not None:
        if branch.chamber_id != federation.pk:
            return _("“{name}” is not one of this federation's sub-chambers.").format(name=branch.name)
        if branch.kind not in CHAMBER_LIKE_BRANCH_KINDS:
            return _("“{name}” is a {kind}, not a sub-chamber that can be rated.").format(
                name=branch.name, kind=branch.get_kind_display())
        return None
    if chamber.supervising_federation_id != federation.pk:
        return _("“{name}” is not a chamber affiliated to this federation.").format(name=chamber.name)
    return None


def subject_key(*, branch_id=None, chamber_id=None):
    """A hashable name of a subject, the same for a submission and a rating."""
    return ("branch", branch_id) if branch_id else ("chamber", chamber_id)


def _subject_filter(*, branch=None, chamber=None):
    if branch is not None:
        return Q(subject_branch=branch)
    return Q(subject_chamber=chamber)


# --- Reads ---------------------------------------------------------------------------------------


def rating_register(*, chamber, scheme=None, level=None, status=None, subject="", expiring_within=None, today=None):
    """The federation's register, newest first, with the usual filters.

    `expiring_within` (days): held ratings whose validity ends between today and then.
    """
    qs = Rating.objects.filter(chamber=chamber).select_related("scheme", "campaign")
    if scheme is not None:
        qs = qs.filter(scheme=scheme)
    if level is not None:
        qs = qs.filter(level=level)
    if status:
        qs = qs.filter(status=status)
    if subject:
        qs = qs.filter(subject_name__icontains=subject)
    if expiring_within is not None:
        today = today or timezone.localdate()
        qs = qs.filter(status=RatingStatus.ACTIVE, valid_until__gte=today,
                       valid_until__lte=today + datetime.timedelta(days=expiring_within)).order_by(
            "valid_until", "subject_name", "pk")
    return qs


def rating_expiring_list(*, chamber, days=EXPIRING_DAYS, today=None):
    """Held ratings whose validity ends within `days` (soonest first): time to re-apply."""
    return rating_register(chamber=chamber, expiring_within=days, today=today)


def rating_history(*, chamber, branch=None, subject_chamber=None):
    """Every rating the register holds for one subject, in any scheme, newest first."""
    return Rating.objects.filter(Q(chamber=chamber) & _subject_filter(branch=branch, chamber=subject_chamber)).select_related(
        "scheme", "campaign")


def rating_list_for_subject_chamber(*, chamber):
    """The ratings `chamber` holds, in whichever federation's register they are kept.

    Crossing the wall: only rows naming `chamber` as the subject."""
    with scopes_disabled():
        return Rating.objects.filter(subject_chamber=chamber).select_related("scheme", "chamber")


def held_ratings_for(*, scheme, branch=None, chamber=None):
    """The ratings a subject holds in `scheme` as grading.HeldRating (for prerequisites)."""
    rows = Rating.objects.filter(
        Q(chamber_id=scheme.chamber_id, scheme=scheme, status=RatingStatus.ACTIVE) & _subject_filter(
            branch=branch, chamber=chamber)
    ).values_list("level", "awarded_on", "valid_until")
    return [grading.HeldRating(level=level, awarded_on=awarded, valid_until=until) for level, awarded, until in rows]


def held_ratings_by_subject(*, scheme, branch_ids=(), chamber_ids=()):
    """{subject_key: [HeldRating]} for many subjects at once (one query)."""
    held = {}
    if not branch_ids and not chamber_ids:
        return held
    rows = Rating.objects.filter(
        Q(chamber_id=scheme.chamber_id, scheme=scheme, status=RatingStatus.ACTIVE)
        & (Q(subject_branch_id__in=list(branch_ids)) | Q(subject_chamber_id__in=list(chamber_ids)))
    ).values_list("subject_branch_id", "subject_chamber_id", "level", "awarded_on", "valid_until")
    for branch_id, chamber_id, level, awarded, until in rows:
        held.setdefault(subject_key(branch_id=branch_id, chamber_id=chamber_id), []).append(
            grading.HeldRating(level=level, awarded_on=awarded, valid_until=until))
    return held


def rating_subject_choices(*, chamber):
    """The subjects a federation may rate: its chamber-like sub-chambers and its affiliates."""
    branches = list(Branch.objects.filter(chamber=chamber, kind__in=CHAMBER_LIKE_BRANCH_KINDS,
                                          status=BranchStatus.ACTIVE).order_by("path"))
    chambers = list(Chamber.objects.filter(supervising_federation=chamber).order_by("name", "pk"))
    return branches, chambers


# --- Writes --------------------------------------------------------------------------------------


def _supersede_older(*, rating, actor):
    """Mark the subject's older held ratings of the same scheme as superseded by `rating`."""
    older = Rating.objects.filter(
        Q(chamber_id=rating.chamber_id, scheme_id=rating.scheme_id, status=RatingStatus.ACTIVE,
          awarded_on__lte=rating.awarded_on)
        & (Q(subject_branch_id=rating.subject_branch_id) if rating.subject_branch_id
           else Q(subject_chamber_id=rating.subject_chamber_id))
    ).exclude(pk=rating.pk)
    ids = list(older.values_list("pk", flat=True))
    if ids:
        Rating.objects.filter(pk__in=ids).update(status=RatingStatus.SUPERSEDED)
    return ids


def _scheme_label_for(scheme, level):
    """The grade label the scheme's newest version gives `level`, or ''."""
    rule = GradeRule.objects.filter(chamber_id=scheme.chamber_id, version__scheme=scheme, level=level).order_by(
        "-version__effective_from", "-version_id").first()
    return rule.label if rule else ""


def _latest_validity_months(scheme):
    version = SchemeVersion.objects.filter(chamber_id=scheme.chamber_id, scheme=scheme).order_by(
        "-effective_from", "-pk").first()
    return version.validity_months if version else 36


@transaction.atomic
def rating_record(*, chamber, actor, scheme, level, awarded_on, branch=None, subject_chamber=None, grade_label="",
                  valid_until=None, awarded_by="", note="", total=None):
    """Record by hand a grade awarded elsewhere, e.g. the three stars a district federation
    awarded (the city's four-star prerequisite looks for it). Older held ratings of the
    scheme are superseded; when the subject already holds a newer one, the recorded rating
    goes into the history as superseded."""
    if scheme.chamber_id != chamber.pk:
        raise ValidationError({"scheme": _("This scheme does not exist.")})
    problem = subject_problem(chamber, branch=branch, chamber=subject_chamber)
    if problem:
        raise ValidationError({"subject": problem})
    if level is None or level < 1:
        raise ValidationError({"level": _("Give the grade's level (1 or more).")})
    grade_label = (grade_label or "").strip() or _scheme_label_for(scheme, level)
    if not grade_label:
        raise ValidationError({"grade_label": _("This scheme has no grade of this level: give its name.")})
    if valid_until is None:
        valid_until = grading.valid_until(awarded_on, _latest_validity_months(scheme))
    if valid_until < awarded_on:
        raise ValidationError({"valid_until": _("A rating cannot end before it is awarded.")})
    subject = branch or subject_chamber
    newer_held = Rating.objects.filter(
        Q(chamber=chamber, scheme=scheme, status=RatingStatus.ACTIVE, awarded_on__gt=awarded_on)
        & _subject_filter(branch=branch, chamber=subject_chamber)
    ).exists()
    rating = Rating.objects.create(
        chamber=chamber, scheme=scheme, subject_branch=branch, subject_chamber=subject_chamber,
        subject_name=subject.name[:200], level=level, grade_label=grade_label[:60], total=total,
        awarded_on=awarded_on, valid_until=valid_until, awarded_by=awarded_by.strip()[:200], note=note.strip()[:500],
        status=RatingStatus.SUPERSEDED if newer_held else RatingStatus.ACTIVE,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    superseded = [] if newer_held else _supersede_older(rating=rating, actor=actor)
    audit_record(chamber=chamber, actor=actor, action="record", target=rating,
                 changes={"grade": [None, grade_label], "valid_until": [None, str(valid_until)],
                          "superseded": [None, superseded]})
    return rating


@transaction.atomic
def rating_revoke(*, rating, actor, reason):
    """Revoke a held rating (e.g. a serious violation came to light); the reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for revoking the rating.")})
    if rating.status != RatingStatus.ACTIVE:
        raise ValidationError(_("Only a held rating can be revoked; this one is “{status}”.").format(
            status=rating.get_status_display()))
    if not Rating.objects.filter(pk=rating.pk, status=RatingStatus.ACTIVE).update(
            status=RatingStatus.REVOKED, revoked_reason=reason[:500]):
        raise ValidationError(_("Someone else changed this rating just now. Reload and try again."))
    rating.status, rating.revoked_reason = RatingStatus.REVOKED, reason[:500]
    audit_record(chamber=rating.chamber, actor=actor, action="revoke", target=rating,
                 changes={"status": [RatingStatus.ACTIVE, RatingStatus.REVOKED]}, reason=reason)
    from chamber.documents.services import certificates_revoke_for_rating

    certificates_revoke_for_rating(rating=rating, actor=actor, reason=reason)
    return rating


def rating_award(*, submission, campaign, actor, awarded_on):
    """The rating a campaign awards a published submission with a grade (called by the
    campaign when it closes); supersedes the subject's older held ratings of the scheme."""
    version = campaign.version
    rating = Rating.objects.create(
        chamber_id=campaign.chamber_id, scheme_id=version.scheme_id, version=version, campaign=campaign,
        submission=submission, subject_branch_id=submission.subject_branch_id,
        subject_chamber_id=submission.subject_chamber_id, subject_name=submission.subject_name,
        level=submission.grade_level, grade_label=submission.grade_label or str(submission.grade_level),
        total=submission.result_total, awarded_on=awarded_on,
        valid_until=grading.valid_until(awarded_on, version.validity_months),
        awarded_by=campaign.chamber.name[:200],
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    _supersede_older(rating=rating, actor=actor)
    return rating
