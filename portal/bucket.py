"""S3-compatible object storage through boto3: the only module that talks to a bucket.

Russian clouds (Yandex Object Storage, VK Cloud, Selectel) and MinIO speak S3. Two uses:
- uploads (UPLOAD_BUCKET): the media library's files, so that every host sees every upload;
- the published site (PUBLISH_BUCKET): after each build the site is synced to a bucket a CDN serves — changed
  files only (compared by MD5, which S3 keeps as the ETag of an object written in one part), removed ones
  deleted, with the right Content-Type and cache headers.

A bucket is named `bucket` or `bucket/prefix`; the endpoint, region and keys are settings (S3_*), or boto3's
own environment (AWS_ACCESS_KEY_ID, …) when those are empty.
"""
from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

# Types Python's table lacks or gets wrong for a static site.
TYPES = {".ics": "text/calendar; charset=utf-8", ".atom": "application/atom+xml", ".wasm": "application/wasm",
         ".pagefind": "application/octet-stream", ".pf_meta": "application/octet-stream",
         ".pf_index": "application/octet-stream", ".pf_fragment": "application/octet-stream",
         ".webmanifest": "application/manifest+json", ".csv": "text/csv; charset=utf-8",
         ".json": "application/json", ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
         ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}
DELETE_BATCH = 1000  # S3's limit for one DeleteObjects


class BucketError(Exception):
    """The bucket refused or could not be reached; the message is Russian."""


def content_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def site_cache_control(key: str) -> str:
    """Pages are checked on every visit; Pagefind's chunks and uploads are named by their content: a year."""
    if key.endswith((".html", ".xml", ".atom", ".ics", ".json", ".csv", ".txt")) or key.endswith("/"):
        return "no-cache"
    if "/pagefind/" in f"/{key}" and not key.endswith(("pagefind.js", "pagefind-ui.js", "pagefind-ui.css")):
        return "public, max-age=31536000, immutable"
    if key.startswith("media/"):
        return "public, max-age=31536000, immutable"
    from portal import assets

    if assets.is_hashed(key):  # static/site.3f9a1c2b7e.css: the name changes with the content
        return assets.LONG_CACHE
    return "public, max-age=3600"


@dataclass
class SyncReport:
    uploaded: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> str:
        return (f"В хранилище: загружено файлов {len(self.uploaded)}, удалено {len(self.deleted)}, "
                f"без изменений {self.unchanged}.")


class Bucket:
    def __init__(self, spec: str, *, endpoint_url: str | None = None, region: str | None = None,
                 access_key: str | None = None, secret_key: str | None = None, client: Any = None):
        name, _, prefix = spec.strip("/").partition("/")
        self.name = name
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self.client = client or boto3.client(
            "s3", endpoint_url=endpoint_url or None, region_name=region or None,
            aws_access_key_id=access_key or None, aws_secret_access_key=secret_key or None,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30))

    @classmethod
    def from_config(cls, config: dict, setting: str) -> "Bucket | None":
        spec = config.get(setting) or ""
        if not spec:
            return None
        return cls(spec, endpoint_url=config.get("S3_ENDPOINT_URL"), region=config.get("S3_REGION"),
                   access_key=config.get("S3_ACCESS_KEY"), secret_key=config.get("S3_SECRET_KEY"))

    def _call(self, action: str, method: Callable, **kwargs: Any) -> Any:
        try:
            return method(Bucket=self.name, **kwargs)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(kwargs.get("Key", "")) from None
            raise BucketError(f"Хранилище {self.name} отказало ({action}): "
                              f"{error.response.get('Error', {}).get('Message') or error}") from error
        except BotoCoreError as error:
            raise BucketError(f"Хранилище {self.name} недоступно ({action}): {error}") from error

    def put(self, name: str, data: bytes, *, cache_control: str | None = None) -> None:
        extra = {"CacheControl": cache_control} if cache_control else {}
        self._call("запись", self.client.put_object, Key=self.prefix + name, Body=data,
                   ContentType=content_type(name), **extra)

    def get(self, name: str) -> bytes:
        """The object's bytes; FileNotFoundError when there is none."""
        return self._call("чтение", self.client.get_object, Key=self.prefix + name)["Body"].read()

    def delete(self, name: str) -> None:
        self._call("удаление", self.client.delete_object, Key=self.prefix + name)

    def listing(self) -> dict[str, str]:
        """Every object under the prefix: name (without the prefix) → ETag without quotes."""
        found: dict[str, str] = {}
        token = None
        while True:
            extra = {"ContinuationToken": token} if token else {}
            page = self._call("список", self.client.list_objects_v2, Prefix=self.prefix, **extra)
            for item in page.get("Contents", []):
                found[item["Key"][len(self.prefix):]] = item["ETag"].strip('"')
            if not page.get("IsTruncated"):
                return found
            token = page["NextContinuationToken"]

    def sync_folder(self, folder: Path, cache_control: Callable[[str], str] = site_cache_control) -> SyncReport:
        """Make the bucket hold exactly the folder's files: upload what differs, delete what the folder lacks."""
        report = SyncReport()
        remote = self.listing()
        local = {path.relative_to(folder).as_posix(): path for path in sorted(folder.rglob("*")) if path.is_file()}
        for name, path in local.items():
            data = path.read_bytes()
            if remote.get(name) == hashlib.md5(data, usedforsecurity=False).hexdigest():
                report.unchanged += 1
                continue
            self.put(name, data, cache_control=cache_control(name))
            report.uploaded.append(name)
        gone = sorted(set(remote) - set(local))
        for start in range(0, len(gone), DELETE_BATCH):
            batch = gone[start:start + DELETE_BATCH]
            self._call("удаление", self.client.delete_objects,
                       Delete={"Objects": [{"Key": self.prefix + name} for name in batch], "Quiet": True})
        report.deleted = gone
        return report
