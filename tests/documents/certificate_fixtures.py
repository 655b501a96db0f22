"""Fixtures of the certificate tests: private files in a temporary folder, a rating the
federation awarded, an officer's post, and issued certificates of each kind."""
import datetime

import pytest
from django.test import Client
from django_scopes import scope

from chamber.documents.services import (
    certificate_issue_for_membership,
    certificate_issue_for_officer,
    certificate_issue_for_rating,
)
from evaluations.models import Rating
from members.models import Post
from members.officers import officer_appoint, term_create
from members.services import person_create

from ..factories import make_id_number


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.DOCUMENTS_BASE_URL = "https://zs.example.cn"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def rating(federation, fed_branches, star_version):
    """四星级 awarded to 夫子庙街道商会 by the federation, valid for three years."""
    with scope(chamber=federation):
        return Rating.objects.create(
            chamber=federation, scheme=star_version.scheme, version=star_version,
            subject_branch=fed_branches["fuzimiao"], subject_name="夫子庙街道商会", level=4, grade_label="四星级",
            awarded_on=datetime.date(2026, 1, 10), valid_until=datetime.date(2029, 1, 9))


@pytest.fixture
def position(chamber):
    """王建国, vice-president in the chamber's 第八届理事会 (ends in the future)."""
    today = datetime.date.today()
    with scope(chamber=chamber):
        term = term_create(chamber=chamber, actor=None, ordinal=8, name="第八届理事会",
                           starts_on=today - datetime.timedelta(days=400), ends_on=today + datetime.timedelta(days=1000))
        person = person_create(chamber=chamber, actor=None, name="王建国", id_number=make_id_number(77))
        return officer_appoint(term=term, actor=None, person=person, post=Post.VICE_PRESIDENT)


@pytest.fixture
def member_certificate(chamber, member, admin_user):
    with scope(chamber=chamber):
        return certificate_issue_for_membership(membership=member, actor=admin_user)


@pytest.fixture
def rating_certificate(federation, rating, fed_admin):
    with scope(chamber=federation):
        return certificate_issue_for_rating(rating=rating, actor=fed_admin)


@pytest.fixture
def officer_certificate(chamber, position, admin_user):
    with scope(chamber=chamber):
        return certificate_issue_for_officer(position=position, actor=admin_user)


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
