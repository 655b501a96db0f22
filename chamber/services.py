"""Writes of the tenant core: chambers, roles, API keys."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scope

from .audit import audit_record
from .models import ApiKey, Chamber, Role, RoleKind
from .validators import normalize_uscc

CHAMBER_FIELDS = (
    "name", "short_name", "slug", "kind", "uscc", "registration_authority", "registered_on", "founded_on",
    "address", "division_code", "contact_name", "contact_phone", "contact_email", "supervising_federation",
    "status", "self_service_requires_approval",
)


@transaction.atomic
def chamber_create(*, actor, **fields):
    """Register a chamber on the platform and give it the usual member ranks."""
    from members.services import rank_defaults_create

    chamber = Chamber(**{k: v for k, v in fields.items() if k in CHAMBER_FIELDS})
    if chamber.uscc:
        try:
            chamber.uscc = normalize_uscc(chamber.uscc)
        except ValidationError as exc:
            raise ValidationError({"uscc": exc.messages}) from None
    chamber.full_clean()
    chamber.save()
    with scope(chamber=chamber):
        rank_defaults_create(chamber=chamber)
        audit_record(chamber=chamber, actor=actor, action="create", target=chamber)
    return chamber


@transaction.atomic
def role_grant(*, chamber, user, kind, actor, branch=None):
    if branch is not None and branch.chamber_id != chamber.pk:
        raise ValidationError({"branch": _("This branch does not exist.")})
    if kind == RoleKind.BRANCH_SECRETARY and branch is None:
        raise ValidationError({"branch": _("A branch secretary is granted at a branch.")})
    role, created = Role.objects.get_or_create(
        chamber=chamber, user=user, kind=kind, branch=branch,
        defaults={"granted_by": actor if getattr(actor, "pk", None) else None},
    )
    if created:
        audit_record(chamber=chamber, actor=actor, action="grant role", target=role,
                     changes={"role": [None, role.get_kind_display()], "user": [None, user.get_username()]})
    return role


@transaction.atomic
def role_revoke(*, role, actor):
    audit_record(chamber=role.chamber, actor=actor, action="revoke role", target=role,
                 changes={"role": [role.get_kind_display(), None], "user": [role.user.get_username(), None]})
    role.delete()


@transaction.atomic
def api_key_create(*, chamber, actor, name):
    """Create a read-only roster key; returns (key, raw) — the raw key is shown once."""
    prefix, raw = ApiKey.generate()
    key = ApiKey.objects.create(chamber=chamber, name=name, prefix=prefix, digest=ApiKey.digest_of(raw),
                                created_by=actor if getattr(actor, "pk", None) else None)
    audit_record(chamber=chamber, actor=actor, action="create", target=key)
    return key, raw


@transaction.atomic
def api_key_revoke(*, key, actor):
    if not key.is_active:
        return
    key.revoke()
    audit_record(chamber=key.chamber, actor=actor, action="revoke", target=key)
