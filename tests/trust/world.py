"""Chamber A's world for the isolation probe: one object of every kind a URL can name.

Built with the row makers of the query guards (tests/scale), so a new kind of row is made the
same way everywhere. Chamber A is `chamber` (苏州市光电产业商会); the evaluation rows live in
the `federation` of tests/evaluation_fixtures.py (南京市工商业联合会) and its supervised
`affiliate`, chambers in which the prober (`outsider`, admin of `other_chamber`) has no role
either. `Entry.chamber` is the chamber whose URL (`/c/<slug>/...`) shows the object.
"""
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from tests.scale import test_list_query_guards as api_guard
from tests.scale import test_web_list_query_guards as web_guard

# Text only chamber A's (or the federation's) rows carry: none of it may appear on B's pages.
# The makers name their rows "规模测试…"; the rest are the fixtures' names.
# (Not the rubric's name: the product ships a starter rubric "南京市星级基层商会考评" to every chamber.)
A_MARKERS = ("苏州光电缆有限公司", "苏州市光电产业商会", "光缆分会", "规模测试", "南京市工商业联合会", "江宁区商会")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass
class Entry:
    value: Any  # what fills the URL kwarg (a pk, a slug, a year)
    chamber: Any  # the chamber whose URL shows it


@dataclass
class World:
    entries: dict
    users: dict  # "admin:<chamber pk>", "representative", "reviewer" -> user

    def admin_of(self, chamber):
        return self.users["admin:{}".format(chamber.pk)]


def build_world(request):
    """Make A's rows (scopes disabled: the makers write across three chambers)."""
    from charity.models import Donation, DonationEntry, Recipient
    from chamber.annual.models import WorkRecord
    from chamber.documents.models import Certificate, DocumentBatch, DocumentBatchStatus
    from chamber.interchange.models import ExportRecord, ImportBatch
    from chamber.reminders.models import Delivery
    from evaluations.models import (
        CampaignReviewer,
        Evidence,
        GradeRule,
        Indicator,
        Rating,
        ScoreSheet,
        Submission,
        WorkingGroup,
    )
    from events.models import EventOutcome, MemberRequest, Resolution, Visit
    from events.services.events import attachment_add
    from events.services.registrations import registration_create
    from members.dues.services import dues_payment_record
    from members.models import AnnualFigures, Contact, DuesInvoice, FeeSchedule, OfficerPosition, SelfServiceChange
    from members.officers import liaison_assign, rotating_chair_add

    fx = request.getfixturevalue
    chamber, member, branches, admin = fx("chamber"), fx("member"), fx("branches"), fx("admin_user")
    ctx = {"chamber": chamber, "member": member, "branches": branches, "admin": admin, "fixture": fx, "state": {}}
    state = ctx["state"]
    entries = {}

    def put(key, value, owner=chamber):
        entries[key] = Entry(getattr(value, "pk", value), owner)

    def latest(model, **filters):
        return model.objects.filter(**filters).latest("pk")

    with scopes_disabled():
        # members, people, officers, self-service, dues
        put("membership", member)
        put("enterprise", member.enterprise)
        api_guard.contacts(ctx, 1)
        contact = latest(Contact, chamber=chamber)
        put("contact", contact)
        put("person", contact.person)
        api_guard.figures(ctx, 1)
        put("figures_year", latest(AnnualFigures, chamber=chamber).year)
        web_guard.officers_this_term(ctx, 1)
        term = state["term"]
        officer = latest(OfficerPosition, term=term)
        put("term", term)
        put("officer", officer)
        put("rotating_chair", rotating_chair_add(term=term, actor=admin, position=officer, starts_on=term.starts_on,
                                                 ends_on=term.starts_on + datetime.timedelta(days=30)))
        put("liaison", liaison_assign(officer=officer, membership=member, actor=admin))
        web_guard.approvals(ctx, 1)
        put("approval", latest(SelfServiceChange, chamber=chamber))
        api_guard.invoices(ctx, 1)
        invoice = latest(DuesInvoice, chamber=chamber)
        put("invoice", invoice)
        put("schedule", latest(FeeSchedule, chamber=chamber))
        put("dues_entry", dues_payment_record(invoice=invoice, actor=admin, amount=Decimal("100"),
                                              paid_on=datetime.date(2026, 2, 1), method="bank_transfer"))
        put("branch", branches["display"])

        # charity
        programme = api_guard._programme(ctx)
        put("programme", programme)
        api_guard.charity_recipients(ctx, 1)
        put("recipient", latest(Recipient, programme=programme))
        api_guard._donations(ctx, [programme])
        put("donation", latest(Donation, chamber=chamber))
        put("donation_entry", latest(DonationEntry, chamber=chamber))

        # events, meetings, member services
        event = api_guard._events(ctx, 1)[0]
        put("event", event)
        put("registration", registration_create(event=event, actor=admin, membership=member,
                                                attendee_name="参会代表"))
        put("attachment", attachment_add(event=event, actor=admin, file=SimpleUploadedFile(
            "会议议程.pdf", PDF, content_type="application/pdf")))
        meeting = api_guard._meeting(ctx)
        put("meeting", meeting)
        api_guard.resolutions(ctx, 1)
        put("resolution", latest(Resolution, event=meeting))
        web_guard.outcomes(ctx, 1)
        put("held_event", latest(EventOutcome, chamber=chamber).event_id)
        api_guard.requests(ctx, 1)
        put("request", latest(MemberRequest, chamber=chamber))
        api_guard.visits(ctx, 1)
        put("visit", latest(Visit, chamber=chamber))

        # the chamber's own tools: imports, exports, certificates, batches, records, reminders
        web_guard.imports(ctx, 1)
        put("import", latest(ImportBatch, chamber=chamber))
        web_guard.exports(ctx, 1)
        export = latest(ExportRecord, chamber=chamber)
        export.file.save("会员名册.csv", ContentFile("名称\n苏州光电缆有限公司\n".encode()), save=True)
        put("export", export)
        web_guard.document_batches(ctx, 1)
        batch = latest(DocumentBatch, chamber=chamber)
        batch.zip_file.save("证书.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18), save=False)
        batch.status = DocumentBatchStatus.READY
        batch.save()
        put("doc_batch", batch)
        put("certificate", latest(Certificate, chamber=chamber))
        web_guard.work_records(ctx, 1)
        put("work_record", latest(WorkRecord, chamber=chamber))
        web_guard.deliveries(ctx, 1)
        put("delivery", latest(Delivery, chamber=chamber), owner=None)

        # evaluations, in the federation
        fed_state = api_guard._fed(ctx)
        fed, version = fed_state["fed"], fed_state["version"]
        put("scheme", version.scheme, fed)
        put("version", version, fed)
        put("indicator", Indicator.objects.filter(version=version).order_by("sort_key").first(), fed)
        put("grade_rule", GradeRule.objects.filter(version=version).first(), fed)
        put("campaign", fed_state["campaign"], fed)
        api_guard.ev_sheets(ctx, 1)
        put("submission", fed_state["submission"], fed)
        put("sheet", latest(ScoreSheet, submission=fed_state["submission"]), fed)
        api_guard.ev_ratings(ctx, 1)
        rating = latest(Rating, chamber=fed)
        put("rating", rating, fed)
        put("rated_branch", rating.subject_branch_id, fed)
        api_guard.ev_evidence(ctx, 1)
        evidence = latest(Evidence, chamber=fed)
        evidence.file.save("纪要.pdf", ContentFile(PDF), save=True)  # the maker writes the row only
        put("evidence", evidence, fed)
        api_guard.ev_groups(ctx, 1)
        put("group", latest(WorkingGroup, chamber=fed), fed)
        put("campaign_reviewer", latest(CampaignReviewer, chamber=fed), fed)
        api_guard.ev_reviews(ctx, 1)
        put("review_submission", latest(ScoreSheet, reviewer=fed_state["reviewer"]).submission_id, fed)
        # the affiliate's side: its own submission, and the federation's campaign it applies to
        api_guard.ev_own_submissions(ctx, 1)
        affiliate = fed_state["affiliate"]
        put("own_submission", latest(Submission, subject_chamber=affiliate), affiliate)
        put("open_campaign", fed_state["campaign"], affiliate)
        put("affiliate", affiliate.slug, fed)

    users = {"admin:{}".format(chamber.pk): admin, "admin:{}".format(fed.pk): fed_state["fed_admin"],
             "admin:{}".format(affiliate.pk): fed_state["affiliate_admin"],
             "representative": fx("representative"), "reviewer": fed_state["reviewer"]}
    return World(entries, users)


def build_probers(request):
    """Chamber B's users who ask for A's objects: {role: (user, their chamber)}. The admin of B
    (`outsider`) for most pages; a member representative of B for the member portal; the admin
    of a second federation for the pages only federations have."""
    from chamber.models import ChamberKind, RoleKind
    from chamber.services import chamber_create
    from members.models import Enterprise
    from members.services import member_representative_grant
    from tests.factories import user_with_role

    fx = request.getfixturevalue
    make_user, other = fx("make_user"), fx("other_chamber")
    with scopes_disabled():
        representative = make_user("b-remy")
        member_representative_grant(enterprise=Enterprise.objects.get(chamber=other), user=representative, actor=None)
        b_fed = chamber_create(actor=None, name="杭州市工商业联合会", slug="hz-fed", kind=ChamberKind.FEDERATION,
                               division_code="330100")
    return {"admin": (fx("outsider"), other), "representative": (representative, other),
            "federation": (user_with_role(make_user, b_fed, "b-feng", RoleKind.CHAMBER_ADMIN), b_fed)}


def calendar_token(user):
    """The user's calendar-feed token (feeds authenticate by it, not by a session)."""
    from events.models import CalendarToken

    with scopes_disabled():
        return CalendarToken.objects.get_or_create(user=user)[0].token
