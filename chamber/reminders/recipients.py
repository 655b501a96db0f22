"""Who rules remind, read set-based: staff by role, representatives by their enterprise grant."""
from collections import defaultdict

from chamber.models import Role

# The guardian grant member_representative_grant gives (members/services.py).
REPRESENTATIVE_PERMISSION = {"permission__codename": "change_enterprise",
                             "permission__content_type__app_label": "members"}


def representatives_by_enterprise(*, chamber, enterprise_ids):
    """{enterprise id: [user ids]} of the active users representing each enterprise (1 query).

    `enterprise_ids` may be a list or a subquery of ids (a subquery keeps 100,000 ids out of
    the SQL text).
    """
    from members.models import EnterpriseUserObjectPermission

    grants = (EnterpriseUserObjectPermission.objects
              .filter(content_object__chamber=chamber, content_object_id__in=enterprise_ids, user__is_active=True,
                      **REPRESENTATIVE_PERMISSION)
              .order_by("content_object_id", "user_id").values_list("content_object_id", "user_id"))
    result = defaultdict(list)
    for enterprise_id, user_id in grants:
        result[enterprise_id].append(user_id)
    return result


def role_user_ids(*, chamber, kinds, root_only=False):
    """Active users holding one of the role `kinds` in `chamber` (at its root only, if asked),
    each once, in id order (1 query)."""
    roles = Role.objects.filter(chamber=chamber, kind__in=kinds, user__is_active=True)
    if root_only:
        roles = roles.filter(branch__isnull=True)
    return list(roles.order_by("user_id").values_list("user_id", flat=True).distinct())
