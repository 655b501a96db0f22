"""`manage.py seed_scale` / chamber.scale: the scale data set, built small.

On PostgreSQL the command itself runs (with the foreign-key checks on: --check-keys, one
worker, since the test's transaction is not visible to other processes); on SQLite the
command refuses (PostgreSQL only) and the tests call the builder it runs, chamber.scale.seed.
"""
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count, F
from django_scopes import scopes_disabled

from chamber import scale
from chamber.models import AuditEntry, Chamber, ChamberKind, NumberSeries, Role, RoleKind
from chamber.numbering import number_take
from chamber.services import chamber_create
from chamber.validators import (
    id_number_birth_date,
    normalize_id_number,
    normalize_mobile,
    normalize_uscc,
    validate_division_code,
)
from charity.models import Donation, DonationEntry, Programme
from evaluations.models import Campaign, Rating, Submission
from events.models import Event, EventOutcome, MemberRequest, Registration, RequestNote
from members.models import (
    Contact,
    DuesEntry,
    DuesInvoice,
    Enterprise,
    Membership,
    MembershipBranch,
    OfficerPosition,
    Person,
    Rank,
)
from members.services import pinyin_initials

pytestmark = pytest.mark.django_db

CHAMBERS, MEMBERS, LARGEST = 5, 300, 100
POSTGRES = connection.vendor == "postgresql"


def _seed(**options):
    """Seed 5 chambers / 300 members as the command would; returns the output."""
    options = {"chambers": CHAMBERS, "members": MEMBERS, "largest": LARGEST, "password": "scale-pw", **options}
    out = io.StringIO()
    if POSTGRES:
        call_command("seed_scale", stdout=out, check_keys=True, workers=1, **options)
    else:
        with scopes_disabled():
            result = scale.seed(options["chambers"], options["members"], options["largest"],
                                password=options["password"], log=lambda line: out.write(line + "\n"))
        out.write("built {}\n".format(result["chambers"]))
    return out.getvalue()


def _row_counts():
    with scopes_disabled():
        return {model._meta.label: model._default_manager.count()
                for model in apps.get_models() if model._meta.managed and not model._meta.proxy}


@pytest.fixture
def seeded():
    _seed()
    with scopes_disabled():
        yield list(scale.scale_chambers().order_by("slug"))


def test_counts_and_layout(seeded):
    with scopes_disabled():
        assert [c.slug for c in seeded] == [f"scale-{i:04d}" for i in range(CHAMBERS)]
        counts = dict(Membership.objects.values_list("chamber__slug").annotate(n=Count("pk")))
        assert counts == {"scale-0000": LARGEST, "scale-0001": 50, "scale-0002": 50, "scale-0003": 50,
                          "scale-0004": 50}
        assert Enterprise.objects.count() == Person.objects.count() == Contact.objects.count() == MEMBERS
        assert MembershipBranch.objects.values("membership").distinct().count() == MEMBERS
        federation = scale.scale_federation()
        assert federation.slug == "scale-fed" and federation.kind == ChamberKind.FEDERATION
        assert all(c.supervising_federation_id == federation.pk for c in seeded)
        assert scale.largest_chamber().slug == "scale-0000"
        admin = scale.scale_admin()
        assert admin.check_password("scale-pw")
        roles = Role.objects.filter(user=admin, kind=RoleKind.CHAMBER_ADMIN)
        assert set(roles.values_list("chamber__slug", flat=True)) == {"scale-0000", "scale-fed"}


def test_chambers_are_what_chamber_create_makes(seeded):
    with scopes_disabled():
        reference = chamber_create(actor=None, name="对照商会", slug="reference", kind=ChamberKind.INDUSTRY,
                                   division_code="320500")
        expected = list(Rank.objects.filter(chamber=reference).order_by("order").values_list("code", "name", "order"))
        for chamber in seeded:
            chamber.full_clean()
            assert list(Rank.objects.filter(chamber=chamber).order_by("order")
                        .values_list("code", "name", "order")) == expected
            entry = AuditEntry.objects.get(chamber=chamber, target_type="chamber.chamber")
            assert (entry.action, entry.target_id, entry.actor_id) == ("create", str(chamber.pk), None)


def test_identifiers_are_valid(seeded):
    with scopes_disabled():
        for chamber in [*seeded, scale.scale_federation()]:
            assert normalize_uscc(chamber.uscc) == chamber.uscc
            validate_division_code(chamber.division_code)
        usccs = list(Enterprise.objects.values_list("chamber_id", "uscc", "name", "name_initials"))
        for _chamber, uscc, name, initials in usccs:
            assert normalize_uscc(uscc) == uscc
            assert initials and initials == pinyin_initials(name)
        assert len({(c, u) for c, u, _n, _i in usccs}) == MEMBERS
        for id_number, born, mobile, name, initials, gender in Person.objects.values_list(
                "id_number", "birth_date", "mobile", "name", "name_initials", "gender"):
            assert normalize_id_number(id_number) == id_number
            assert id_number_birth_date(id_number) == born
            assert int(id_number[16]) % 2 == (1 if gender == "male" else 0)
            assert normalize_mobile(mobile) == mobile
            assert initials and initials == pinyin_initials(name)


# (model, its link to a row of the same chamber, minimum rows per chamber)
TENANT_LINKS = (
    (OfficerPosition, "person__chamber_id", 20),
    (OfficerPosition, "enterprise__chamber_id", 20),
    (OfficerPosition, "term__chamber_id", 20),
    (Event, None, 4),
    (Registration, "event__chamber_id", 4),
    (Registration, "membership__chamber_id", 4),
    (EventOutcome, "event__chamber_id", 1),
    (MemberRequest, "membership__chamber_id", 3),
    (RequestNote, "request__chamber_id", 1),
    (Programme, None, 1),
    (Donation, "programme__chamber_id", 3),
    (Donation, "membership__chamber_id", 3),
    (Donation, "branch__chamber_id", 3),
    (DonationEntry, "donation__chamber_id", 1),
    (DuesInvoice, "membership__chamber_id", 10),
    (DuesInvoice, "schedule__chamber_id", 10),
    (DuesEntry, "invoice__chamber_id", 5),
    (MembershipBranch, "branch__chamber_id", 50),
    (Contact, "person__chamber_id", 50),
)


@pytest.mark.parametrize(("model", "link", "minimum"), TENANT_LINKS,
                         ids=[f"{m.__name__}-{link}" for m, link, _n in TENANT_LINKS])
def test_every_chamber_has_its_own_records(seeded, model, link, minimum):
    with scopes_disabled():
        per_chamber = dict(model.objects.values_list("chamber_id").annotate(n=Count("pk")))
        assert all(per_chamber.get(c.pk, 0) >= minimum for c in seeded), per_chamber
        if link:
            assert not model.objects.exclude(**{link: F("chamber_id")}).exists()


def test_money_is_consistent_and_numbered(seeded):
    with scopes_disabled():
        for invoice in DuesInvoice.objects.filter(chamber=seeded[1]).prefetch_related("entries"):
            entries = list(invoice.entries.all())
            assert invoice.settled_amount == sum(e.amount for e in entries if e.kind == "settlement")
            assert invoice.written_off_amount == sum(e.amount for e in entries if e.kind == "write_off")
            assert invoice.outstanding >= 0
        for donation in Donation.objects.filter(chamber=seeded[1]).prefetch_related("entries"):
            assert donation.settled_amount == sum(e.amount for e in donation.entries.all())
        chamber = seeded[2]
        invoices = DuesInvoice.objects.filter(chamber=chamber).count()
        assert NumberSeries.objects.get(chamber=chamber, series="dues_invoice", year=scale.YEAR).last == invoices
        with transaction.atomic():
            # The next invoice a treasurer issues continues the series, not collides with it.
            assert number_take(chamber=chamber, series="dues_invoice", year=scale.YEAR) == \
                "HF-{}-{:05d}".format(scale.YEAR, invoices + 1)


def test_federation_rates_every_chamber(seeded):
    with scopes_disabled():
        federation = scale.scale_federation()
        campaign = Campaign.objects.get(chamber=federation)
        ratings = Rating.objects.filter(campaign=campaign)
        assert sorted(ratings.values_list("subject_chamber_id", flat=True)) == sorted(c.pk for c in seeded)
        assert set(ratings.values_list("chamber_id", flat=True)) == {federation.pk}
        assert not Submission.objects.exclude(rating__subject_chamber_id=F("subject_chamber_id")).exists()
        assert Submission.objects.filter(campaign=campaign).count() == CHAMBERS


def test_second_run_changes_nothing(seeded):
    before = _row_counts()
    with scopes_disabled():
        password = scale.scale_admin().password
        updated = list(Chamber.objects.order_by("pk").values_list("pk", "updated_at"))
    output = _seed()
    assert _row_counts() == before
    with scopes_disabled():
        assert scale.scale_admin().password == password
        assert list(Chamber.objects.order_by("pk").values_list("pk", "updated_at")) == updated
    if POSTGRES:
        assert "nothing built" in output


def test_a_different_plan_is_refused_until_rebuild(seeded):
    with pytest.raises((CommandError, scale.PlanMismatch), match="--rebuild"):
        _seed(members=MEMBERS + 10)


def test_foreign_chambers_are_refused(chamber):
    if POSTGRES:
        with pytest.raises(CommandError, match="not the scale data set"):
            call_command("seed_scale", chambers=2, members=20, stdout=io.StringIO())
    else:
        with pytest.raises(CommandError, match="PostgreSQL only"):
            call_command("seed_scale", chambers=2, members=20, stdout=io.StringIO())
    with scopes_disabled():
        assert list(scale.foreign_chambers()) == [chamber]
        assert not Chamber.objects.filter(slug__startswith="scale-").exists()


def test_plan_shares_members():
    plans = scale.plan(4, 1000, 400)
    assert [p.members for p in plans] == [400, 200, 200, 200]
    assert [p.serial_base for p in plans] == [0, 400, 600, 800]
    assert [p.members for p in scale.plan(3, 10, 20000)] == [8, 1, 1]
    with pytest.raises(ValueError):
        scale.plan(5, 3)
