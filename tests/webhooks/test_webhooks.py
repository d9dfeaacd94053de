"""Publishing, unpublishing and deleting pages POST signed JSON to registered webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from pages.models import CaseStudyPage
from webhooks.models import Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db


def lille() -> CaseStudyPage:
    return CaseStudyPage.objects.get(slug="lille", locale__language_code="en")


def test_publishing_posts_a_signed_payload(receiver, immediate_tasks, committed):
    Webhook.objects.create(name="Static build", url=receiver.url, secret="s3cret")
    page = lille()
    committed(lambda: page.save_revision().publish())
    page.refresh_from_db()

    (request,) = receiver.requests
    payload = json.loads(request["body"])
    assert payload["event"] == "page.published"
    assert payload["page_id"] == page.pk
    assert payload["type"] == "pages.CaseStudyPage"
    assert payload["locale"] == "en"
    assert payload["path"] == "/lille/"
    assert payload["revision_id"] == page.live_revision_id
    expected = hmac.new(b"s3cret", request["body"], hashlib.sha256).hexdigest()
    assert request["headers"]["X-Webhook-Signature"] == f"sha256={expected}"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.status_code, delivery.attempts) == ("delivered", 200, 1)
    assert delivery.response_excerpt == "ok"


def test_unpublish_and_delete_are_sent_to_webhooks_that_want_them(
    receiver, immediate_tasks, committed
):
    Webhook.objects.create(name="All", url=receiver.url)
    Webhook.objects.create(name="Publish only", url=receiver.url, events=["page.published"])
    Webhook.objects.create(name="Off", url=receiver.url, active=False)
    page = lille()
    committed(lambda: page.unpublish())
    committed(lambda: CaseStudyPage.objects.get(pk=page.pk).delete())
    events = [json.loads(r["body"])["event"] for r in receiver.requests]
    assert events == ["page.unpublished", "page.deleted"]
    assert set(WebhookDelivery.objects.values_list("webhook__name", flat=True)) == {"All"}


def test_a_failing_receiver_is_retried_with_backoff_and_every_attempt_logged(
    receiver, immediate_tasks, committed, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.statuses = [500, 503]
    Webhook.objects.create(name="Flaky", url=receiver.url)
    committed(lambda: lille().save_revision().publish())
    assert len(receiver.requests) == 3
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.status_code) == ("delivered", 3, 200)


def test_a_dead_receiver_ends_as_failed_with_its_error(immediate_tasks, committed, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    Webhook.objects.create(name="Dead", url="http://127.0.0.1:9/nobody-listens")
    committed(lambda: lille().save_revision().publish())
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.status_code) == ("failed", 2, None)
    assert "refused" in delivery.error.lower() or "error" in delivery.error.lower()


def test_a_rolled_back_publish_sends_nothing(receiver, immediate_tasks):
    Webhook.objects.create(name="Static build", url=receiver.url)
    lille().save_revision().publish()  # the test's transaction never commits
    assert receiver.requests == []


def test_editors_see_deliveries_and_their_answers_in_the_admin(
    receiver, immediate_tasks, committed, client, editor
):
    webhook = Webhook.objects.create(name="Static build", url=receiver.url)
    committed(lambda: lille().save_revision().publish())
    delivery = WebhookDelivery.objects.get()
    client.force_login(editor)
    listing = client.get("/admin/webhook_deliveries/")
    assert listing.status_code == 200
    assert "page.published" in listing.content.decode()
    inspect = client.get(f"/admin/webhook_deliveries/inspect/{delivery.pk}/")
    assert inspect.status_code == 200
    assert "/lille/" in inspect.content.decode()
    assert client.get("/admin/webhook_deliveries/new/").status_code in (302, 403)
    edit = client.get(f"/admin/webhooks/edit/{webhook.pk}/")
    assert edit.status_code == 200 and "page.unpublished" in edit.content.decode()


def test_a_webhook_is_registered_through_the_admin_form(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/webhooks/new/",
        {
            "name": "Netlify",
            "url": "https://example.org/build",
            "events": ["page.published", "page.deleted"],
            "secret": "abc",
            "active": "on",
        },
    )
    assert response.status_code == 302
    webhook = Webhook.objects.get(name="Netlify")
    assert webhook.events == ["page.published", "page.deleted"]
    assert webhook.wants("page.deleted") and not webhook.wants("page.unpublished")
