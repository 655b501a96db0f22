"""Drop cached certificate PDFs when what they print changes (pretix drops cached tickets
the same way): the chamber's template of the kind, or the certificate's source — a
member's name (its enterprise's or person's), an officer's post, term or name.

The facts a certificate prints (holder, title, valid until) are copied onto it at issue;
when the source changes they are copied again for certificates still in force, so the next
PDF and the verification page agree with the register. A revoked certificate keeps what it
said. Files are deleted once the transaction commits, so a rollback keeps the cache intact.
A rating is not watched: it is never saved after its certificate is issued (revoking and
superseding update it in bulk, and a revoked rating revokes its certificates).
"""
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django_scopes import scopes_disabled

from .models import Certificate, CertificateTemplate


def _delete_unused(storage, name):
    # A render after the drop may have written the same name again: keep the file then.
    with scopes_disabled():
        if not Certificate.objects.filter(pdf=name).exists():
            storage.delete(name)


def _drop(certificates, facts=None):
    """Forget the PDFs of `certificates`; with `facts`, only of those whose printed facts
    (`facts(certificate)`) changed, which are refreshed."""
    for certificate in certificates:
        changed = {}
        if facts is not None:
            if certificate.revoked_at is not None:
                continue
            holder, title, valid_until = facts(certificate)
            new = {"holder_name": holder[:200], "title": title[:200], "valid_until": valid_until}
            changed = {k: v for k, v in new.items() if getattr(certificate, k) != v}
            if not changed:
                continue
        elif not certificate.pdf:
            continue
        if certificate.pdf:
            transaction.on_commit(lambda s=certificate.pdf.storage, n=certificate.pdf.name: _delete_unused(s, n))
        Certificate.objects.filter(pk=certificate.pk).update(pdf="", pdf_rendered_at=None, **changed)


def _prints_nothing_saved(instance, update_fields, fields):
    """True when a save with `update_fields` wrote none of `fields` (the ones a certificate
    prints from the instance's model): no query is needed then."""
    if update_fields is None:
        return False
    printed = set(fields)
    for name in fields:
        field = instance._meta.get_field(name)
        printed.add(field.attname)
    return printed.isdisjoint(update_fields)


@receiver(post_save, sender=CertificateTemplate, dispatch_uid="documents.template_saved")
def template_saved(sender, instance, **kwargs):
    with scopes_disabled():
        _drop(Certificate.objects.filter(chamber_id=instance.chamber_id, kind=instance.kind).exclude(pdf=""))


# Senders named "app.Model" are connected lazily, once that app is loaded.
# What a certificate prints from each source model: a save writing none of these (by
# update_fields) leaves every certificate as it is.
MEMBERSHIP_PRINTED = ("name", "enterprise", "person")  # holder_name: the name, else the holder's
ENTERPRISE_PRINTED = PERSON_PRINTED = ("name",)
OFFICER_PRINTED = ("post", "term", "person", "ends_on", "starts_on")
TERM_PRINTED = ("ordinal", "name", "ends_on", "starts_on")


@receiver(post_save, sender="members.Membership", dispatch_uid="documents.membership_saved")
def membership_saved(sender, instance, created, update_fields=None, **kwargs):
    if created or _prints_nothing_saved(instance, update_fields, MEMBERSHIP_PRINTED):
        return
    with scopes_disabled():
        certificates = Certificate.objects.filter(chamber_id=instance.chamber_id, membership=instance)
        # Only the name is printed from a member: other changes (status, rank) keep the cache.
        _drop(certificates, facts=lambda c: (instance.holder_name, c.title, c.valid_until))


def _officer_facts(certificate):
    from .services import officer_facts

    return officer_facts(certificate.officer_position)


def _officer_certificates(**filters):
    return Certificate.objects.filter(**filters).select_related("officer_position__term",
                                                                "officer_position__person")


@receiver(post_save, sender="members.OfficerPosition", dispatch_uid="documents.officer_saved")
def officer_saved(sender, instance, created, update_fields=None, **kwargs):
    if created or _prints_nothing_saved(instance, update_fields, OFFICER_PRINTED):
        return
    with scopes_disabled():
        _drop(_officer_certificates(officer_position=instance), facts=_officer_facts)


@receiver(post_save, sender="members.Term", dispatch_uid="documents.term_saved")
def term_saved(sender, instance, created, update_fields=None, **kwargs):
    if created or _prints_nothing_saved(instance, update_fields, TERM_PRINTED):
        return
    with scopes_disabled():
        _drop(_officer_certificates(chamber_id=instance.chamber_id, officer_position__term=instance),
              facts=_officer_facts)


# A rename reaches memberships by a bulk update (no signal), so it is caught here, at the
# enterprise or person renamed.
@receiver(post_save, sender="members.Enterprise", dispatch_uid="documents.enterprise_saved")
def enterprise_saved(sender, instance, created, update_fields=None, **kwargs):
    if created or _prints_nothing_saved(instance, update_fields, ENTERPRISE_PRINTED):
        return
    with scopes_disabled():
        certificates = Certificate.objects.filter(chamber_id=instance.chamber_id, membership__enterprise=instance)
        _drop(certificates, facts=lambda c: (instance.name, c.title, c.valid_until))


@receiver(post_save, sender="members.Person", dispatch_uid="documents.person_saved")
def person_saved(sender, instance, created, update_fields=None, **kwargs):
    if created or _prints_nothing_saved(instance, update_fields, PERSON_PRINTED):
        return

    def facts(certificate):
        # An appointment letter prints the officer's post and term; a member's, the name.
        if certificate.officer_position_id:
            return _officer_facts(certificate)
        return instance.name, certificate.title, certificate.valid_until

    with scopes_disabled():
        certificates = _officer_certificates(chamber_id=instance.chamber_id).filter(
            Q(membership__person=instance) | Q(officer_position__person=instance))
        _drop(certificates, facts=facts)
