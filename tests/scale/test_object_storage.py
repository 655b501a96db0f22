"""Media and private files on S3-compatible object storage (django-storages), against moto's
S3 server running in a thread (docs/scaling.md): the OBJECT_STORAGE_* variables make the
STORAGES the settings load, private files go to the bucket and come back, and an annual
report's PDF is printed into the bucket and downloaded from it through the permission-checked
view. Skipped only when moto's server cannot start.
"""
import json
import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from chamber.annual.models import AnnualReport
from chamber.uploads import private_storage

boto3 = pytest.importorskip("boto3")
pytest.importorskip("storages")
YEAR = timezone.localdate().year
KEY_ID, SECRET = "testing-key", "testing-secret"


@pytest.fixture(scope="module")
def s3_endpoint():
    try:
        from moto.server import ThreadedMotoServer

        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
    except Exception as exc:  # noqa: BLE001 - any failure to start means no fake S3 here
        pytest.skip("moto's S3 server could not start: {}".format(exc))
    host, port = server.get_host_and_port()
    yield "http://{}:{}".format(host, port)
    server.stop()


@pytest.fixture
def s3(s3_endpoint):
    return boto3.client("s3", endpoint_url=s3_endpoint, aws_access_key_id=KEY_ID,
                        aws_secret_access_key=SECRET, region_name="us-east-1")


def _settings_from_environment(extra):
    """settings.STORAGES and MEDIA_ROOT as a deployment with these variables loads them."""
    code = ("import json, django; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.STORAGES))")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OBJECT_STORAGE_")}
    environment.update(DJANGO_SETTINGS_MODULE="chamber.settings.production", SECRET_KEY="x" * 50,
                           ID_NUMBER_KEYS="dGVzdHMtb25seS1pZC1udW1iZXIta2V5LTAwMDAwMDE=", ID_NUMBER_DIGEST_KEY="tests-only", **extra)
    out = subprocess.run([sys.executable, "-c", code], env=environment, cwd=django_settings.BASE_DIR,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture
def object_storage(settings, s3, s3_endpoint, tmp_path):
    """STORAGES pointed at fresh buckets on the moto server, built by the settings from the
    OBJECT_STORAGE_* variables; PRIVATE_MEDIA_ROOT and MEDIA_ROOT at empty folders, to show
    nothing lands on disk."""
    media, private = "media-{}".format(uuid.uuid4().hex[:8]), "private-{}".format(uuid.uuid4().hex[:8])
    for bucket in (media, private):
        s3.create_bucket(Bucket=bucket)
    storages = _settings_from_environment({
        "OBJECT_STORAGE_BUCKET": media, "OBJECT_STORAGE_PRIVATE_BUCKET": private,
        "OBJECT_STORAGE_ENDPOINT_URL": s3_endpoint, "OBJECT_STORAGE_ACCESS_KEY_ID": KEY_ID,
        "OBJECT_STORAGE_SECRET_ACCESS_KEY": SECRET, "OBJECT_STORAGE_REGION": "us-east-1",
        "OBJECT_STORAGE_ADDRESSING_STYLE": "path",
    })
    settings.STORAGES = {**settings.STORAGES, "default": storages["default"], "private": storages["private"]}
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return {"media": media, "private": private}


def _keys(s3, bucket):
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []))


def _nothing_on_disk(tmp_path):
    return not any(path.is_file() for path in tmp_path.rglob("*"))


def test_the_environment_chooses_object_storage_or_the_disk(s3_endpoint):
    on_disk = _settings_from_environment({})
    assert on_disk["private"] == {"BACKEND": "chamber.uploads.PrivateStorage"}
    assert on_disk["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"

    configured = _settings_from_environment({
        "OBJECT_STORAGE_BUCKET": "chamber-media", "OBJECT_STORAGE_ENDPOINT_URL": "http://minio:9000",
        "OBJECT_STORAGE_ADDRESSING_STYLE": "path", "OBJECT_STORAGE_REGION": "cn-east-1"})
    private, media = configured["private"], configured["default"]
    assert private["BACKEND"] == "chamber.storage_backends.PrivateObjectStorage"
    assert media["BACKEND"] == "chamber.storage_backends.MediaObjectStorage"
    # Without a private bucket of its own, the same bucket under another prefix.
    assert (private["OPTIONS"]["bucket_name"], private["OPTIONS"]["location"]) == ("chamber-media", "private")
    assert (media["OPTIONS"]["bucket_name"], media["OPTIONS"]["location"]) == ("chamber-media", "media")
    assert private["OPTIONS"]["endpoint_url"] == "http://minio:9000"
    assert private["OPTIONS"]["addressing_style"] == "path"
    assert private["OPTIONS"]["region_name"] == "cn-east-1"
    assert private["OPTIONS"]["file_overwrite"] is False and private["OPTIONS"]["default_acl"] is None


def test_private_files_are_saved_to_and_read_from_the_bucket(object_storage, s3, tmp_path):
    storage = private_storage()
    name = storage.save("evidence/1/report.pdf", ContentFile(b"%PDF-1.7 test"))
    assert name == "evidence/1/report.pdf"
    assert _keys(s3, object_storage["private"]) == ["private/evidence/1/report.pdf"]
    body = s3.get_object(Bucket=object_storage["private"], Key="private/evidence/1/report.pdf")["Body"].read()
    assert body == b"%PDF-1.7 test"
    with storage.open(name, "rb") as handle:
        assert handle.read() == b"%PDF-1.7 test"
    assert storage.exists(name) and storage.size(name) == len(b"%PDF-1.7 test")
    # A second file under the same name is kept apart, as on disk, not overwritten.
    second = storage.save("evidence/1/report.pdf", ContentFile(b"%PDF-1.7 other"))
    assert second != name and len(_keys(s3, object_storage["private"])) == 2
    with pytest.raises(ValueError):
        storage.url(name)  # private files have no URL, not even a signed one
    storage.delete(name)
    assert not storage.exists(name)
    assert _nothing_on_disk(tmp_path)


def test_media_gets_signed_urls_from_the_bucket(object_storage, s3, tmp_path):
    name = default_storage.save("chamber-logos/logo.png", ContentFile(b"\x89PNG fake"))
    assert _keys(s3, object_storage["media"]) == ["media/chamber-logos/logo.png"]
    url = default_storage.url(name)
    assert url.startswith(django_settings.STORAGES["default"]["OPTIONS"]["endpoint_url"])
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=3600" in url
    assert _nothing_on_disk(tmp_path)


@pytest.mark.django_db
def test_an_annual_report_pdf_is_printed_into_the_bucket_and_downloaded_from_it(
        object_storage, s3, tmp_path, chamber, member, admin_user, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(admin_user)
    kwargs = {"chamber": chamber.slug, "year": YEAR}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("annual:generate", kwargs=kwargs)).status_code == 302
    with scope(chamber=chamber):
        report = AnnualReport.objects.get(chamber=chamber, year=YEAR)
    assert report.pdf.name
    stored = s3.get_object(Bucket=object_storage["private"], Key="private/" + report.pdf.name)["Body"].read()
    assert stored.startswith(b"%PDF")

    response = client.get(reverse("annual:pdf", kwargs=kwargs))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == stored
    assert _nothing_on_disk(tmp_path)

    # The object gone from the bucket: the storage says so (a HEAD request) and the page asks
    # for a new print, as when the file is gone from the disk.
    s3.delete_object(Bucket=object_storage["private"], Key="private/" + report.pdf.name)
    response = client.get(reverse("annual:pdf", kwargs=kwargs))
    assert response.status_code == 302 and response["Location"] == reverse("annual:report", kwargs=kwargs)
