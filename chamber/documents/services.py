"""Certificates: the chamber's templates, issuing (rating awards, membership certificates,
appointment letters), revoking, and the PDF kept as a cache on the row.

The printed wording is Chinese document text, like a spreadsheet's headers: a chamber writes
its own in its template; the defaults below are what a Chinese chamber prints when it has
not, whatever the language of the user's interface.
"""
import datetime
import re
import string

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chamber.audit import audit_record
from chamber.numbering import number_format, number_next
from chamber.uploads import IMAGE_FORMATS, upload_check

from .models import Certificate, CertificateKind, CertificateTemplate, Orientation

PLACEHOLDERS = ("holder", "title", "issuer", "valid_until", "issued_on")

# kind -> (title, wording, orientation) printed when the chamber has no template of the kind.
DEFAULT_TEMPLATES = {
    CertificateKind.RATING: (
        "荣誉证书",
        "{holder}：\n经考核评定，被评为{title}。\n特发此证，以资鼓励。",
        Orientation.LANDSCAPE,
    ),
    CertificateKind.MEMBERSHIP: (
        "会员证书",
        "兹证明{holder}为{issuer}会员，享有章程规定的权利，履行章程规定的义务。\n特发此证。",
        Orientation.LANDSCAPE,
    ),
    CertificateKind.APPOINTMENT: (
        "聘书",
        "兹聘请{holder}为{issuer}{title}。\n聘期至{valid_until}。",
        Orientation.PORTRAIT,
    ),
}

# The title a membership certificate prints (a member of the issuing chamber).
MEMBERSHIP_TITLE = "会员"

TEMPLATE_FIELDS = ("orientation", "title", "wording", "signatory", "issuer_name", "colour")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def chinese_date(value):
    """2026年12月31日 — the form dates take on a Chinese certificate; 长期 when open-ended."""
    if value is None:
        return "长期"
    return "{}年{}月{}日".format(value.year, value.month, value.day)


def wording_check(wording):
    """A ValidationError unless every placeholder of `wording` is one of PLACEHOLDERS, bare
    ({holder}, never {holder.x}, {0} or {holder:>999}), and the braces are balanced."""
    try:
        parsed = list(string.Formatter().parse(wording))
    except ValueError:
        raise ValidationError({"wording": _(
            "The wording has an unmatched brace. Write placeholders as {holder}; "
            "a literal brace is written twice: {{ or }}.")}) from None
    for _text, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            raise ValidationError({"wording": _("Unknown placeholder {{{name}}}. Use only: {allowed}.").format(
                name=name + (("!" + conversion) if conversion else "") + ((":" + spec) if spec else ""),
                allowed=", ".join("{" + p + "}" for p in PLACEHOLDERS))})


def wording_fill(wording, certificate):
    return wording.format(
        holder=certificate.holder_name, title=certificate.title, issuer=certificate.issuer_name,
        valid_until=chinese_date(certificate.valid_until), issued_on=chinese_date(certificate.issued_on))


def template_for(chamber, kind):
    """The chamber's template of `kind`, or an unsaved one holding the default wording."""
    template = CertificateTemplate.objects.filter(chamber=chamber, kind=kind).first()
    if template is None:
        title, wording, orientation = DEFAULT_TEMPLATES[kind]
        template = CertificateTemplate(chamber=chamber, kind=kind, title=title, wording=wording,
                                       orientation=orientation)
    return template


def _image_content(upload, field):
    """The checked bytes of an uploaded logo or seal; a ValidationError on `field` otherwise."""
    try:
        checked = upload_check(upload, default_stem=field)
    except ValidationError as error:
        raise ValidationError({field: error.message_dict["file"]}) from None
    if checked.content_type not in IMAGE_FORMATS:
        raise ValidationError({field: _("Upload an image (PNG, JPEG, GIF or WebP).")})
    return ContentFile(checked.content, name=checked.original_name)


@transaction.atomic
def certificate_template_set(*, chamber, actor, kind, logo=None, seal=None, logo_clear=False, seal_clear=False,
                             **fields):
    """Create or change the chamber's template of `kind`. `fields` are TEMPLATE_FIELDS; a new
    logo or seal is an upload, checked by content. Saving drops the cached PDFs printed with it
    (chamber.documents.signals)."""
    if kind not in CertificateKind.values:
        raise ValidationError({"kind": _("Unknown kind of certificate.")})
    unknown = set(fields) - set(TEMPLATE_FIELDS)
    if unknown:
        raise TypeError("unknown template fields: {}".format(", ".join(sorted(unknown))))
    template = (CertificateTemplate.objects.select_for_update().filter(chamber=chamber, kind=kind).first()
                or template_for(chamber, kind))
    before = {name: getattr(template, name) for name in TEMPLATE_FIELDS} if template.pk else {}
    for name, value in fields.items():
        setattr(template, name, value.strip() if isinstance(value, str) else value)
    template.colour = (template.colour or "").lower()
    errors = {}
    if not template.title:
        errors["title"] = _("Give the certificate a title, e.g. 荣誉证书.")
    if not template.wording:
        errors["wording"] = _("Write the wording printed on the certificate.")
    else:
        try:
            wording_check(template.wording)
        except ValidationError as error:
            errors.update(error.message_dict)
    if not _COLOUR.match(template.colour):
        errors["colour"] = _("Give the colour as # and six hex digits, e.g. #b22222.")
    if template.orientation not in Orientation.values:
        errors["orientation"] = _("Choose A4 portrait or landscape.")
    images = {}
    for field, upload in (("logo", logo), ("seal", seal)):
        if upload:
            try:
                images[field] = _image_content(upload, field)
            except ValidationError as error:
                errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    template.full_clean(exclude=["chamber", "logo", "seal"])
    old_files, image_changes = [], {}
    for field, clear in (("logo", logo_clear), ("seal", seal_clear)):
        current = getattr(template, field)
        if (clear or field in images) and current:
            old_files.append((current.storage, current.name))
            image_changes[field] = [current.name, ""]
            setattr(template, field, "")
        if field in images:
            getattr(template, field).save(images[field].name, images[field], save=False)
            image_changes[field] = [image_changes.get(field, [""])[0], getattr(template, field).name]
    created = template.pk is None
    template.save()
    # The replaced images go once the new ones are committed (a rollback keeps them).
    for storage, name in old_files:
        transaction.on_commit(lambda s=storage, n=name: s.delete(n))
    after = {name: getattr(template, name) for name in TEMPLATE_FIELDS}
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    changes.update(image_changes)
    audit_record(chamber=chamber, actor=actor, action="create" if created else "update", target=template,
                 changes=changes)
    return template


def _year_end(today):
    return datetime.date(today.year, 12, 31)


def _issue(*, chamber, actor, kind, source_field, source, holder, title, valid_until, issuer=None):
    """The source's certificate: the one already issued unless revoked, else a new one with
    the next number. The caller has locked the source row (_lock), so two clicks cannot
    issue twice."""
    existing = Certificate.objects.filter(chamber=chamber, kind=kind, revoked_at__isnull=True,
                                          **{source_field: source}).order_by("-pk").first()
    if existing is not None:
        existing.already_issued = True
        return existing
    template = template_for(chamber, kind)
    today = timezone.localdate()
    number = number_format("certificate", today.year, number_next(chamber=chamber, series="certificate",
                                                                  year=today.year))
    certificate = Certificate.objects.create(
        chamber=chamber, kind=kind, number=number, holder_name=holder[:200], title=title[:200],
        issuer_name=(issuer or template.issuer_name or chamber.name)[:200], issued_on=today,
        valid_until=valid_until, created_by=actor if getattr(actor, "pk", None) else None,
        **{source_field: source})
    certificate.already_issued = False
    audit_record(chamber=chamber, actor=actor, action="issue", target=certificate,
                 changes={"number": [None, number], "holder": [None, certificate.holder_name],
                          "title": [None, certificate.title]})
    return certificate


def _lock(source, field):
    """Lock the source's row for the rest of the transaction; its `field` as it is now (the
    instance in hand may be stale)."""
    return type(source).objects.select_for_update().filter(pk=source.pk).values_list(field, flat=True).first()


def rating_facts(rating):
    """(holder, title, valid_until) a rating's certificate prints."""
    return rating.subject_name, "{}（{}）".format(rating.grade_label, rating.scheme.name), rating.valid_until


def officer_facts(position):
    """(holder, title, valid_until) of an appointment letter: the post in its term, until the
    post ends (the term's end unless the officer leaves earlier)."""
    term = position.term
    # Printed in Chinese, whatever language the issuing user reads the site in.
    with translation.override("zh-hans"):
        title = "{}{}".format(str(term), position.get_post_display())
    ends = min(d for d in (position.ends_on, term.ends_on) if d is not None)
    return position.person.name, title, ends


@transaction.atomic
def certificate_issue_for_rating(*, rating, actor):
    """The award certificate of a held rating, issued by the rating's chamber (the federation)."""
    from evaluations.models import RatingStatus

    status = _lock(rating, "status")
    if status != RatingStatus.ACTIVE:
        raise ValidationError(_("Only a rating that is held gets a certificate; this one is {status}.").format(
            status=RatingStatus(status).label if status else "—"))
    holder, title, valid_until = rating_facts(rating)
    return _issue(chamber=rating.chamber, actor=actor, kind=CertificateKind.RATING, source_field="rating",
                  source=rating, holder=holder, title=title, valid_until=valid_until)


@transaction.atomic
def certificate_issue_for_membership(*, membership, actor, open_ended=False):
    """A membership certificate (会员证书), valid to the end of this year (members renew
    yearly with their dues) or, `open_ended`, without an end date."""
    from members.models import MembershipStatus

    status = _lock(membership, "status")
    if status != MembershipStatus.ACTIVE:
        raise ValidationError(_("Only an active member gets a membership certificate; this member is {status}.")
                              .format(status=MembershipStatus(status).label if status else "—"))
    valid_until = None if open_ended else _year_end(timezone.localdate())
    return _issue(chamber=membership.chamber, actor=actor, kind=CertificateKind.MEMBERSHIP,
                  source_field="membership", source=membership, holder=membership.holder_name,
                  title=MEMBERSHIP_TITLE, valid_until=valid_until)


@transaction.atomic
def certificate_issue_for_officer(*, position, actor):
    """An appointment letter (聘书) for an officer's post in a term."""
    _lock(position, "pk")
    holder, title, valid_until = officer_facts(position)
    if valid_until < timezone.localdate():
        raise ValidationError(_("This post ended on {date}: an appointment letter is issued for a current post.")
                              .format(date=valid_until.isoformat()))
    return _issue(chamber=position.chamber, actor=actor, kind=CertificateKind.APPOINTMENT,
                  source_field="officer_position", source=position, holder=holder, title=title,
                  valid_until=valid_until)


@transaction.atomic
def certificate_revoke(*, certificate, actor, reason):
    """Revoke a certificate; its verification page says so from now on, with no reason shown."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the certificate is revoked.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("Keep the reason under 500 characters.")})
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk, chamber=certificate.chamber_id)
    if locked.revoked_at is not None:
        raise ValidationError(_("This certificate was already revoked."))
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason
    certificate.save(update_fields=["revoked_at", "revoked_reason"])
    audit_record(chamber=certificate.chamber, actor=actor, action="revoke", target=certificate, reason=reason,
                 changes={"revoked_at": [None, str(certificate.revoked_at)]})
    return certificate


def certificates_revoke_for_rating(*, rating, actor, reason):
    """A revoked rating takes its award certificates with it: their verification pages say
    "revoked" from now on."""
    for certificate in Certificate.objects.filter(chamber_id=rating.chamber_id, rating=rating,
                                                  revoked_at__isnull=True):
        certificate_revoke(certificate=certificate, actor=actor, reason=reason)


def certificate_print_context(certificate, template=None):
    """What templates/documents/print/certificate.html prints: everything as final text."""
    from .qr import qr_data_uri, verify_url
    from .rendering import image_data_uri

    template = template or template_for(certificate.chamber, certificate.kind)
    url = verify_url(certificate.code)
    return {
        "certificate": certificate,
        "template": template,
        "landscape": template.orientation == Orientation.LANDSCAPE,
        "paragraphs": [line for line in wording_fill(template.wording, certificate).splitlines() if line.strip()],
        "issued_on": chinese_date(certificate.issued_on),
        "valid_until": chinese_date(certificate.valid_until),
        "logo": image_data_uri(template.logo) if template.logo else "",
        "seal": image_data_uri(template.seal) if template.seal else "",
        "colour": template.colour if _COLOUR.match(template.colour or "") else "#b22222",
        "verify_url": url,
        "qr": qr_data_uri(url),
        "document_title": "{} {}".format(template.title, certificate.number),
        "document_author": certificate.issuer_name,
    }


PRINT_TEMPLATE = "documents/print/certificate.html"


def certificate_pdf(certificate):
    """The certificate as PDF bytes: the cached file when there is one, else rendered now
    and kept on the row (dropped again when the certificate's template or source changes)."""
    from .rendering import render_pdf

    if certificate.pdf:
        try:
            with certificate.pdf.open("rb") as handle:
                return handle.read()
        except FileNotFoundError:
            pass  # The file went (a clean-up, a restore): render it again.
    data = render_pdf(PRINT_TEMPLATE, certificate_print_context(certificate))
    name = certificate.pdf.field.generate_filename(certificate, "certificate.pdf")
    storage = certificate.pdf.storage
    if storage.exists(name):
        storage.delete(name)
    certificate.pdf.save(name, ContentFile(data), save=False)
    certificate.pdf_rendered_at = timezone.now()
    Certificate.objects.filter(pk=certificate.pk, chamber=certificate.chamber_id).update(
        pdf=certificate.pdf.name, pdf_rendered_at=certificate.pdf_rendered_at)
    return data
