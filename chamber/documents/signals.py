"""Drop cached certificate PDFs when what they print changes (pretix drops cached tickets
the same way): the chamber's template of the kind, or the certificate's source — a rating,
a member's name (its enterprise's or person's), an officer's post, term or name.

The facts a certificate prints (holder, title, valid until) are copied onto it at issue;
when the source changes they are copied again for certificates still in force, so the next
PDF and the verification page agree with the register. A revoked certificate keeps what it
said. Files are deleted once the transaction commits, so a rollback keeps the cache intact.
"""
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django_scopes import scopes_disabled

from .models import Certificate, CertificateTemplate


def _delete_unused(storage, name):
    # A render after the drop may have written the same name again: keep the file then.
    with scopes_disabled():
        if not Certificate.objects.filter(pdf=name).exists():
            storage.delete(name)


def _drop(certificates, facts=None, only_if_changed=False):
    """Forget the PDFs of `certificates` and refresh their facts from `facts(certificate)`;
    `only_if_changed`: keep the PDF of a certificate whose facts stay the same."""
    for certificate in certificates:
        changed = {}
        if facts is not None and certificate.revoked_at is None:
            holder, title, valid_until = facts(certificate)
            new = {"holder_name": holder[:200], "title": title[:200], "valid_until": valid_until}
            changed = {k: v for k, v in new.items() if getattr(certificate, k) != v}
        if not changed and (only_if_changed or not certificate.pdf):
            continue
        if certificate.pdf:
            transaction.on_commit(lambda s=certificate.pdf.storage, n=certificate.pdf.name: _delete_unused(s, n))
        Certificate.objects.filter(pk=certificate.pk).update(pdf="", pdf_rendered_at=None, **changed)


@receiver(post_save, sender=CertificateTemplate, dispatch_uid="documents.template_saved")
def template_saved(sender, instance, **kwargs):
    with scopes_disabled():
        _drop(Certificate.objects.filter(chamber_id=instance.chamber_id, kind=instance.kind).exclude(pdf=""))


# Senders named "app.Model" are connected lazily, once that app is loaded.
@receiver(post_save, sender="evaluations.Rating", dispatch_uid="documents.rating_saved")
def rating_saved(sender, instance, created, **kwargs):
    if created:
        return
    from .services import rating_facts

    with scopes_disabled():
        _drop(Certificate.objects.filter(chamber_id=instance.chamber_id, rating=instance),
              facts=lambda c: rating_facts(instance))


@receiver(post_save, sender="members.Membership", dispatch_uid="documents.membership_saved")
def membership_saved(sender, instance, created, **kwargs):
    if created:
        return
    with scopes_disabled():
        certificates = Certificate.objects.filter(chamber_id=instance.chamber_id, membership=instance)
        # Only the name is printed from a member: other changes (status, rank) keep the cache.
        _drop(certificates, facts=lambda c: (instance.holder_name, c.title, c.valid_until), only_if_changed=True)


def _officer_drop(positions):
    from .services import officer_facts

    certificates = Certificate.objects.filter(officer_position__in=positions).select_related(
        "officer_position__term", "officer_position__person")
    _drop(certificates, facts=lambda c: officer_facts(c.officer_position))


@receiver(post_save, sender="members.OfficerPosition", dispatch_uid="documents.officer_saved")
def officer_saved(sender, instance, created, **kwargs):
    if created:
        return
    with scopes_disabled():
        _officer_drop([instance.pk])


@receiver(post_save, sender="members.Term", dispatch_uid="documents.term_saved")
def term_saved(sender, instance, created, **kwargs):
    if created:
        return
    from members.models import OfficerPosition

    with scopes_disabled():
        _officer_drop(OfficerPosition.objects.filter(chamber_id=instance.chamber_id, term=instance).values("pk"))


def _holder_renamed(chamber_id, name, **membership_filter):
    # A rename reaches memberships by a bulk update (no signal), so it is caught here, at the
    # enterprise or person renamed.
    certificates = Certificate.objects.filter(chamber_id=chamber_id, **membership_filter)
    _drop(certificates, facts=lambda c: (name, c.title, c.valid_until), only_if_changed=True)


@receiver(post_save, sender="members.Enterprise", dispatch_uid="documents.enterprise_saved")
def enterprise_saved(sender, instance, created, **kwargs):
    if created:
        return
    with scopes_disabled():
        _holder_renamed(instance.chamber_id, instance.name, membership__enterprise=instance)


@receiver(post_save, sender="members.Person", dispatch_uid="documents.person_saved")
def person_saved(sender, instance, created, **kwargs):
    if created:
        return
    from members.models import OfficerPosition

    with scopes_disabled():
        _holder_renamed(instance.chamber_id, instance.name, membership__person=instance)
        _officer_drop(OfficerPosition.objects.filter(chamber_id=instance.chamber_id, person=instance).values("pk"))

