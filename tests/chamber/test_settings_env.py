"""chamber/settings/env.py: strict readers of the environment."""
import pytest
from django.core.exceptions import ImproperlyConfigured

from chamber.settings.env import env_bool, env_int, env_list, env_str


@pytest.mark.parametrize("raw", ["1", "true", "YES", " on "])
def test_env_bool_true(monkeypatch, raw):
    monkeypatch.setenv("CHAMBER_T_FLAG", raw)
    assert env_bool("CHAMBER_T_FLAG") is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_env_bool_false(monkeypatch, raw):
    monkeypatch.setenv("CHAMBER_T_FLAG", raw)
    assert env_bool("CHAMBER_T_FLAG", True) is False


def test_env_bool_default_when_unset(monkeypatch):
    monkeypatch.delenv("CHAMBER_T_FLAG", raising=False)
    assert env_bool("CHAMBER_T_FLAG", True) is True


def test_bad_boolean_raises_naming_the_variable(monkeypatch):
    monkeypatch.setenv("CHAMBER_T_FLAG", "flase")
    with pytest.raises(ImproperlyConfigured, match="CHAMBER_T_FLAG"):
        env_bool("CHAMBER_T_FLAG")


def test_bad_int_raises(monkeypatch):
    monkeypatch.setenv("CHAMBER_T_NUM", "sixty")
    with pytest.raises(ImproperlyConfigured, match="CHAMBER_T_NUM"):
        env_int("CHAMBER_T_NUM", 60)


def test_int_empty_is_default(monkeypatch):
    monkeypatch.setenv("CHAMBER_T_NUM", "")
    assert env_int("CHAMBER_T_NUM", 60) == 60


def test_list_splits_and_strips(monkeypatch):
    monkeypatch.setenv("CHAMBER_T_HOSTS", " a.example , ,b.example,")
    assert env_list("CHAMBER_T_HOSTS") == ["a.example", "b.example"]


def test_name_file_is_read_and_wins(monkeypatch, tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("from-the-file\n", encoding="utf-8")
    monkeypatch.setenv("CHAMBER_T_SECRET", "from-the-environment")
    monkeypatch.setenv("CHAMBER_T_SECRET_FILE", str(secret))
    assert env_str("CHAMBER_T_SECRET") == "from-the-file"


def test_name_file_feeds_typed_readers(monkeypatch, tmp_path):
    flag = tmp_path / "flag"
    flag.write_text("true", encoding="utf-8")
    monkeypatch.setenv("CHAMBER_T_FLAG_FILE", str(flag))
    assert env_bool("CHAMBER_T_FLAG") is True


def test_unreadable_name_file_raises(monkeypatch, tmp_path):
    monkeypatch.setenv("CHAMBER_T_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="CHAMBER_T_SECRET_FILE"):
        env_str("CHAMBER_T_SECRET")
