"""`{% audit_link obj %}`: a "change log" link to the audit log filtered to one record,
shown only to readers of the log (AUDIT_VIEW at the chamber root) — others see nothing."""
from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from chamber.access import AUDIT_VIEW

register = template.Library()


def audit_log_url(chamber, obj):
    """The log filtered to `obj` (a record), or to a record type ("members.officerposition")."""
    query = {"type": obj} if isinstance(obj, str) else {"type": obj._meta.label_lower, "id": obj.pk}
    return "{}?{}".format(reverse("chamber:audit", kwargs={"chamber": chamber.slug}), urlencode(query))


@register.simple_tag(takes_context=True)
def audit_link(context, obj, label=None, css="btn btn-sm btn-outline-secondary"):
    request = context.get("request")
    access = getattr(request, "access", None)
    chamber = getattr(request, "chamber", None)
    if obj is None or access is None or chamber is None or access.branch_paths(AUDIT_VIEW) is not None \
            or not access.has(AUDIT_VIEW):
        return ""
    if getattr(obj, "chamber_id", chamber.pk) != chamber.pk:
        return ""  # another chamber's record (a federation's submission): its log is not this one
    return format_html(
        '<a class="{}" href="{}" data-audit-link><i class="bi bi-clock-history" aria-hidden="true"></i> {}</a>',
        css, audit_log_url(chamber, obj), label or _("Change log"))
