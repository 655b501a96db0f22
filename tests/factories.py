"""factory-boy factories producing valid Chinese identifiers.

Factories for tenant rows must be built inside `scope(chamber=...)` or with
`scopes_disabled()`; the `in_chamber` fixture helper does that for you.
"""
import datetime
import itertools
import random

import factory
from django.contrib.auth import get_user_model
from django_scopes import scope

from chamber.models import Chamber, ChamberKind
from chamber.services import role_grant
from chamber.validators import id_check_character, uscc_check_character

_uscc_counter = itertools.count(1)
_id_counter = itertools.count(1)


def make_uscc(n=None, division="320500"):
    """A valid USCC: 9 (enterprise) 1 (company) + division + 9-char organisation code + check."""
    n = next(_uscc_counter) if n is None else n
    body = f"91{division}{n:08d}X"[:17]
    return body + uscc_check_character(body)


def make_id_number(n=None, region="320102", born=datetime.date(1975, 6, 15), male=True):
    n = next(_id_counter) if n is None else n
    seq = (n % 500) * 2 + (1 if male else 0)
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + id_check_character(body)


def user_with_role(make_user, chamber, username, kind, branch=None):
    """A new user holding one role in `chamber` (at `branch`, or chamber-wide)."""
    user = make_user(username)
    with scope(chamber=chamber):
        role_grant(chamber=chamber, user=user, kind=kind, actor=None, branch=branch)
    return user


def make_mobile(n=None):
    n = random.randint(0, 99_999_999) if n is None else n
    return f"139{n:08d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")


class ChamberFactory(factory.django.DjangoModelFactory):
    """Use `chamber.services.chamber_create` when ranks are needed; this is the bare row."""

    class Meta:
        model = Chamber

    name = factory.Sequence(lambda n: f"测试商会{n}")
    slug = factory.Sequence(lambda n: f"chamber-{n}")
    kind = ChamberKind.INDUSTRY
