"""The background task that delivers one webhook event, retrying with exponential backoff."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from webhooks.delivery import SIGNATURE_HEADER, encode, post, sign

BACKEND = "background"


def _backend_alias() -> str:
    return BACKEND if BACKEND in getattr(settings, "TASKS", {}) else "default"


@task(backend=BACKEND)
def deliver_webhook(delivery_id: int) -> str:
    from webhooks.models import WebhookDelivery

    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.status == WebhookDelivery.Status.DELIVERED:
        return "gone"
    webhook = delivery.webhook
    body = encode(delivery.payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "cms-webhooks/1",
        "X-Webhook-Event": delivery.event,
        "X-Webhook-Delivery": str(delivery.pk),
    }
    if webhook.secret:
        headers[SIGNATURE_HEADER] = sign(webhook.secret, body)

    delivery.attempts += 1
    delivery.last_attempt_at = timezone.now()
    try:
        delivery.status_code, delivery.response_excerpt = post(webhook.url, body, headers)
        delivery.error = "" if 200 <= delivery.status_code < 300 else f"HTTP {delivery.status_code}"
    except Exception as exc:  # network errors, timeouts: logged for the editor, then retried
        delivery.status_code = None
        delivery.response_excerpt = ""
        delivery.error = f"{type(exc).__name__}: {exc}"[:2000]

    delivery.attempt_log = [
        *delivery.attempt_log,
        {
            "at": delivery.last_attempt_at.isoformat(),
            "status_code": delivery.status_code,
            "error": delivery.error,
        },
    ]
    if not delivery.error:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
        delivery.save()
        return "delivered"
    if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None
        delivery.save()
        return "failed"
    delay = settings.WEBHOOK_RETRY_BACKOFF * 2 ** (delivery.attempts - 1)
    delivery.status = WebhookDelivery.Status.RETRYING
    delivery.next_attempt_at = timezone.now() + datetime.timedelta(seconds=delay)
    delivery.save()
    schedule(delivery.pk, run_after=delivery.next_attempt_at)
    return "retrying"


def schedule(delivery_id: int, run_after: datetime.datetime | None = None) -> None:
    from django_tasks import task_backends

    alias = _backend_alias()
    backend = task_backends[alias]
    if run_after is not None and not backend.supports_defer:
        # A backend without scheduling (the immediate one, in tests): wait here instead.
        import time

        time.sleep(max(0.0, (run_after - timezone.now()).total_seconds()))
        run_after = None
    deliver_webhook.using(backend=alias, run_after=run_after).enqueue(delivery_id)
