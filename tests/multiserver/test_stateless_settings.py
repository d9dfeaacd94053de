"""What makes an app server stateless is configuration: uploads in a bucket when one is named
(local files otherwise), sessions in the database. Checked on the production settings, in a
fresh process, as an operator would configure them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPORT = """
import json
from django.conf import settings
from django.core.files.storage import default_storage
default_storage.url  # resolve the lazy object
storage = default_storage._wrapped
print(json.dumps({
    "backend": f"{type(storage).__module__}.{type(storage).__name__}",
    "url": default_storage.url("original_images/lille.jpg"),
    "file_overwrite": getattr(storage, "file_overwrite", None),
    "session_engine": settings.SESSION_ENGINE,
}))
"""


def production_report(tmp_path, **env: str) -> dict:
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    base.update(
        DJANGO_SETTINGS_MODULE="settings.production",
        SECRET_KEY="k" * 20 + "Zq9!x-Lm3#" * 4,
        ALLOWED_HOSTS="cms.example.org",
        VAR_DIR=str(tmp_path),
        **env,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", REPORT],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_uploads_stay_on_local_disk_when_no_bucket_is_configured(tmp_path):
    report = production_report(tmp_path)
    assert report["backend"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert report["url"] == "/media/original_images/lille.jpg"


def test_uploads_go_to_the_configured_bucket_with_plain_urls(tmp_path):
    report = production_report(
        tmp_path,
        AWS_STORAGE_BUCKET_NAME="city-media",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        AWS_S3_REGION_NAME="eu-west-2",
        AWS_ACCESS_KEY_ID="id",
        AWS_SECRET_ACCESS_KEY="secret",
    )
    assert report["backend"] == "storages.backends.s3.S3Storage"
    # Unsigned: a cached API response must not hand out a URL that expires.
    assert report["url"] == "http://127.0.0.1:9000/city-media/original_images/lille.jpg"
    assert report["file_overwrite"] is False


def test_media_urls_use_the_cdn_domain_and_prefix_when_configured(tmp_path):
    report = production_report(
        tmp_path,
        AWS_STORAGE_BUCKET_NAME="city-media",
        AWS_S3_CUSTOM_DOMAIN="media.example.org",
        AWS_LOCATION="cms",
        AWS_ACCESS_KEY_ID="id",
        AWS_SECRET_ACCESS_KEY="secret",
    )
    assert report["url"] == "https://media.example.org/cms/original_images/lille.jpg"


def test_sessions_are_kept_in_the_shared_database(tmp_path):
    assert production_report(tmp_path)["session_engine"] == "django.contrib.sessions.backends.db"
