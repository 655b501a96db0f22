"""Page tests: a Django test client signed in as one of the cast (see tests/conftest.py)."""
import pytest
from django.test import Client


@pytest.fixture
def client_as():
    """`client_as(user)` -> a Client logged in as `user` (no password round trip)."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make
