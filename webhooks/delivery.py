"""Building, signing and sending a webhook POST."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings

SIGNATURE_HEADER = "X-Webhook-Signature"
EXCERPT_LENGTH = 2000


def page_payload(event: str, page, revision_id: int | None = None) -> dict[str, Any]:
    from django.utils import timezone

    from pages.routing import public_path

    specific_class = page.specific_class or type(page)
    return {
        "event": event,
        "page_id": page.pk,
        "type": specific_class._meta.label,
        "locale": page.locale.language_code if page.locale_id else None,
        "path": public_path(page),
        "revision_id": revision_id,
        "timestamp": timezone.now().isoformat(),
    }


def encode(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST and return (status code, start of the answer); raises on network errors."""
    request = urllib.request.Request(url, data=body, method="POST")
    for name, value in headers.items():
        request.add_header(name, value)
    timeout = settings.WEBHOOK_TIMEOUT
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read(EXCERPT_LENGTH).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(EXCERPT_LENGTH).decode("utf-8", "replace")
