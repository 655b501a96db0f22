"""Writes of visits (走访): recording a visit to a member, with the requests raised during it."""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.audit import audit_record
from members.models import MembershipStatus

from ..models import RequestSource, Visit
from .requests import _check_member_reach, _require, _text, request_create


@transaction.atomic
def visit_record(*, chamber, actor, access=None, membership, visited_on, visitors, officer=None, notes="",
                 requests=()):
    """Record a visit; `requests` (dicts of request_create's arguments) are raised with it, source=visit.

    All or nothing: a bad request row rolls the visit back, its message naming the row.
    """
    _require(access)
    if membership is None or membership.chamber_id != chamber.pk:
        raise ValidationError({"membership": _("Choose a member of this chamber.")})
    if membership.status == MembershipStatus.LEFT:
        raise ValidationError({"membership": _("This member has left the chamber.")})
    _check_member_reach(access, membership)
    if not isinstance(visited_on, datetime.date):
        raise ValidationError({"visited_on": _("Enter a valid date.")})
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("The date cannot be in the future.")})
    visitors = _text(visitors, "visitors", _("Say who went on the visit."), 300)
    if officer is not None and officer.chamber_id != chamber.pk:
        raise ValidationError({"officer": _("Choose a serving officer of this chamber.")})
    visit = Visit.objects.create(chamber=chamber, membership=membership, visited_on=visited_on, visitors=visitors,
                                 officer=officer, notes=(notes or "").strip()[:5000],
                                 created_by=actor if getattr(actor, "pk", None) else None)
    audit_record(chamber=chamber, actor=actor, action="create", target=visit,
                 changes={"membership": membership.pk, "visited_on": visited_on.isoformat()})
    for number, row in enumerate(requests, start=1):
        try:
            request_create(chamber=chamber, actor=actor, access=access, membership=membership,
                           source=RequestSource.VISIT, visit=visit, **row)
        except ValidationError as exc:
            raise ValidationError({"requests": [_("Request {number}: {message}").format(number=number, message=m)
                                                for m in exc.messages]}) from None
    return visit
