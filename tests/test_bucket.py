"""S3-compatible storage, against a local S3 server (moto's, on 127.0.0.1): uploads every host sees, and the
published site synced to a bucket with changed files only, removed ones deleted, types and cache headers."""
from __future__ import annotations

from pathlib import Path

import boto3
import pytest

import sample_files
from portal.extensions import db
from portal.media import library, storage
from portal.models import MediaRole, Status
from portal.publish import publishing

KEYS = {"S3_ENDPOINT_URL": "", "S3_REGION": "ru-central1", "S3_ACCESS_KEY": "test", "S3_SECRET_KEY": "test"}


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_server, request):
    """Settings for two fresh buckets (uploads and the site) on the local server, and a client to look in."""
    client = boto3.client("s3", endpoint_url=s3_server, region_name="ru-central1", aws_access_key_id="test",
                          aws_secret_access_key="test")
    name = request.node.name.lower().replace("_", "-")[:40].strip("-[]")
    buckets = {"UPLOAD_BUCKET": f"up-{name}"[:60].rstrip("-"), "PUBLISH_BUCKET": f"site-{name}"[:50].rstrip("-")}
    for bucket in buckets.values():
        client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ru-central1"})
    settings = KEYS | {"S3_ENDPOINT_URL": s3_server} | buckets
    settings["PUBLISH_BUCKET"] += "/nastavnichestvo"  # a prefix, as a bucket shared with other sites has
    return settings, client


def keys_of(client, bucket: str) -> dict[str, dict]:
    name, _, prefix = bucket.partition("/")
    found = {}
    for item in client.list_objects_v2(Bucket=name, Prefix=prefix).get("Contents", []):
        head = client.head_object(Bucket=name, Key=item["Key"])
        found[item["Key"][len(prefix) + 1 if prefix else 0:]] = head
    return found


def test_an_upload_on_host_a_is_published_by_a_build_on_host_b(make_app, world, s3, tmp_path):
    settings, client = s3
    host_a = make_app(INSTANCE_PATH=str(tmp_path / "a"), **{k: v for k, v in settings.items() if k != "PUBLISH_BUCKET"})
    host_b = make_app(INSTANCE_PATH=str(tmp_path / "b"), BUILD_DIR=str(tmp_path / "site-b"),
                      **{k: v for k, v in settings.items() if k != "PUBLISH_BUCKET"})
    with host_a.app_context():
        case = db.session.get(type(world.rows[("cases", "a")]), world.rows[("cases", "a")].id)
        case.status = Status.PUBLISHED
        cover = library.store("фото.jpg", sample_files.image("JPEG", size=(1200, 800)), title="Фото",
                              alt_text="Наставник и ученик", organisation_id=case.organisation_id)
        db.session.flush()
        library.attach(case, cover, MediaRole.COVER)
        db.session.commit()
        names, stored = cover.stored_names, storage.read(cover.stored_name)
    assert not any(Path(host_a.config["UPLOAD_DIR"]).glob("*")), "nothing on host A's disk"
    assert set(names) <= set(keys_of(client, settings["UPLOAD_BUCKET"]))
    with host_b.app_context():
        report = publishing.run_build(host_b)
    assert report.ok, report.details
    for name in names:
        assert (tmp_path / "site-b" / "media" / name).is_file(), name
    assert (tmp_path / "site-b" / "media" / cover.stored_name).read_bytes() == stored


def test_the_site_is_synced_to_a_bucket_with_changed_files_only(app, world, make_app, s3, tmp_path):
    settings, client = s3
    site_app = make_app(**settings)
    case = world.rows[("cases", "a")]
    case.status = Status.PUBLISHED
    db.session.commit()
    first = publishing.run_build(site_app)
    assert first.ok, first.details
    objects = keys_of(client, settings["PUBLISH_BUCKET"])
    local = {p.relative_to(site_app.config["BUILD_DIR"]).as_posix()
             for p in Path(site_app.config["BUILD_DIR"]).rglob("*") if p.is_file()}
    assert set(objects) == local
    page = f"cases/{case.slug}/index.html"
    assert objects[page]["ContentType"] == "text/html; charset=utf-8" and objects[page]["CacheControl"] == "no-cache"
    assert objects["events.ics"]["ContentType"].startswith("text/calendar")
    assert any(head["CacheControl"].endswith("immutable") for key, head in objects.items() if "/fragment/" in key)
    assert f"загружено файлов {len(local)}" in first.summary()
    again = publishing.run_build(site_app)  # nothing changed: nothing uploaded
    assert again.ok and "загружено файлов 0, удалено 0" in again.summary()
    case.status = Status.DRAFT
    db.session.commit()
    third = publishing.run_build(site_app)
    assert third.ok, third.details
    assert page not in keys_of(client, settings["PUBLISH_BUCKET"])
    assert "удалено 0" not in third.summary()


def test_a_bucket_that_refuses_fails_the_report_in_russian(app, world, make_app, s3):
    settings, _client = s3
    broken = make_app(**(settings | {"PUBLISH_BUCKET": "no-such-bucket"}))
    report = publishing.run_build(broken)
    assert not report.ok
    assert "не выгружен в хранилище" in report.summary() and "no-such-bucket" in report.summary()
