"""Personal data (PIPL): consent to processing and anonymisation after the retention period.

Writes, like members/services.py (kept apart so that file stays readable): every change is
in a transaction and in the audit log. Reading a person's consent state is here too
(`person_consent_state`, `consent_states`), next to the writes that make it.

Anonymisation keeps the row (officer line-ups, attendance and donations point at it with
PROTECT, and the counts in past reports must not change) but removes what identifies the
person: name → "已匿名<id>", every contact detail and number blanked, the login link cut.
Consent history is cut to one row saying consent ended; the audit entries of earlier
changes never held ID numbers in clear (chamber.audit masks them).
"""
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.audit import audit_record

from .models import (
    ConsentAction,
    ConsentBasis,
    Contact,
    Membership,
    MembershipStatus,
    OfficerPosition,
    Person,
    PersonConsent,
    RepresentativePost,
)

ANONYMISED_NAME = "已匿名"


# --- Consent ---------------------------------------------------------------------------------

def person_consent_state(person):
    """The person's latest consent row, or None when none was ever recorded."""
    return PersonConsent.objects.filter(chamber=person.chamber_id, person=person).select_related("recorded_by").first()


def consent_states(*, chamber, people):
    """{person id: latest PersonConsent} for many people in one query (lists, the API)."""
    states = {}
    rows = PersonConsent.objects.filter(chamber=chamber, person__in=[p.pk for p in people]).order_by(
        "person_id", "-recorded_at", "-pk")
    for row in rows:
        states.setdefault(row.person_id, row)
    return states


@transaction.atomic
def consent_record(*, person, actor, action=ConsentAction.GIVEN, basis=ConsentBasis.RECORDED, text_version=None):
    """Append a consent row (given or withdrawn). Recording the state the person is already
    in, for the same notice version, adds nothing and returns the existing row."""
    if person.anonymised_at is not None:
        return None
    version = text_version or settings.PERSONAL_DATA_CONSENT_VERSION
    current = person_consent_state(person)
    if current is not None and current.action == action and current.text_version == version:
        return current
    row = PersonConsent.objects.create(
        chamber_id=person.chamber_id, person=person, action=action, basis=basis, text_version=version,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(chamber=person.chamber, actor=actor, action="consent", target=person,
                 changes={"consent": [current.action if current else None, action],
                          "basis": [None, basis], "text_version": [None, version]})
    return row


def own_people(*, chamber, user):
    """The person records of this chamber linked to `user` (a representative's own data)."""
    return Person.objects.filter(chamber=chamber, user=user, anonymised_at__isnull=True).order_by("pk")


# --- Anonymisation ---------------------------------------------------------------------------

def retention_cutoff(years=None, today=None):
    """The date before which a post must have ended for its holder to be anonymised."""
    years = settings.PERSONAL_DATA_RETENTION_YEARS if years is None else years
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def people_to_anonymise(*, chamber=None, years=None, today=None):
    """People to anonymise: they held at least one post (officer or representative), every
    one of them ended before the cutoff, and they are not a contact of any enterprise, not an
    individual member whose membership is current or ended after the cutoff, not a branch's
    leader, and have neither registered for an event nor pledged a donation since the cutoff
    (someone still taking part is not someone whose data has outlived its purpose). An officer
    post without its own end date ends with its term."""
    cutoff = retention_cutoff(years, today)
    officer = OfficerPosition.objects.filter(person=OuterRef("pk"))
    recent_officer = officer.filter(Q(ends_on__gte=cutoff) | Q(ends_on__isnull=True, term__ends_on__gte=cutoff))
    representative = RepresentativePost.objects.filter(person=OuterRef("pk"))
    recent_representative = representative.filter(Q(ended_year__isnull=True) | Q(ended_year__gte=cutoff.year))
    current_member = Membership.objects.filter(person=OuterRef("pk")).filter(
        ~Q(status=MembershipStatus.LEFT) | Q(left_on__isnull=True) | Q(left_on__gte=cutoff))
    # branches, events and charity import members: imported here, not at the top.
    from branches.models import Branch
    from charity.models import Donation
    from events.models import Registration

    recent_registration = Registration.objects.filter(person=OuterRef("pk"), event__starts_at__date__gte=cutoff)
    recent_donation = Donation.objects.filter(person=OuterRef("pk"), pledged_on__gte=cutoff)

    people = Person.objects.filter(anonymised_at__isnull=True)
    if chamber is not None:
        people = people.filter(chamber=chamber)
    return people.filter(
        Exists(officer) | Exists(representative),
    ).exclude(Exists(recent_officer)).exclude(Exists(recent_representative)).exclude(
        Exists(Contact.objects.filter(person=OuterRef("pk")))
    ).exclude(Exists(current_member)).exclude(
        Exists(Branch.objects.filter(leader=OuterRef("pk")))
    ).exclude(Exists(recent_registration)).exclude(Exists(recent_donation)).order_by("chamber_id", "pk")


@transaction.atomic
def person_anonymise(*, person, actor=None, reason=""):
    """Remove what identifies `person`, keep the row. Idempotent: an anonymised person is
    returned as it is. Returns True when something was done."""
    person = Person.objects.select_for_update().get(chamber=person.chamber_id, pk=person.pk)
    if person.anonymised_at is not None:
        return False
    now = timezone.now()
    person.name = "{}{}".format(ANONYMISED_NAME, person.pk)[:60]
    person.name_initials = ""
    person.gender = ""
    person.birth_date = None
    person.mobile = ""
    person.email = ""
    person.id_number = ""  # the digest follows on save (DigestField.pre_save)
    person.political_affiliation = ""
    person.user = None
    person.anonymised_at = now
    person.save()
    # Consent history kept minimal: one row saying consent ended, no earlier versions.
    PersonConsent.objects.filter(chamber=person.chamber_id, person=person).delete()
    PersonConsent.objects.create(chamber_id=person.chamber_id, person=person, action=ConsentAction.WITHDRAWN,
                                 basis=ConsentBasis.RECORDED, text_version="-", recorded_at=now)
    Membership.objects.filter(chamber=person.chamber_id, person=person).update(name=person.name, updated_at=now)
    # The copies taken when they registered or gave: the attendance lists and the donors'
    # list (and the public honour roll) name them no more.
    from charity.models import Donation
    from events.models import Registration

    Registration.objects.filter(chamber=person.chamber_id, person=person).update(
        attendee_name=person.name, attendee_mobile="")
    Donation.objects.filter(chamber=person.chamber_id, person=person).update(donor_name=person.name)
    audit_record(chamber=person.chamber, actor=actor, action="anonymise", target=person,
                 changes={"anonymised_at": [None, now]},
                 reason=reason or _("Retention period of personal data ended"))
    return True


def anonymise_people(*, chamber=None, years=None, dry_run=False, actor=None, today=None):
    """Anonymise everyone `people_to_anonymise` finds; returns (found, anonymised)."""
    found = list(people_to_anonymise(chamber=chamber, years=years, today=today).select_related("chamber"))
    if dry_run:
        return len(found), 0
    reason = _("Retention period of personal data ended ({} years)").format(
        settings.PERSONAL_DATA_RETENTION_YEARS if years is None else years)
    done = sum(person_anonymise(person=person, actor=actor, reason=reason) for person in found)
    return len(found), done
