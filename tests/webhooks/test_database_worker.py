"""Production's task backend: deliveries wait in the database until the worker sends them.

`settings.production` queues webhook deliveries with django-tasks-db; operators run one
command, `manage.py db_worker --backend background`. Here the same command runs in batch mode
(process what is queued, then exit) against a receiver listening on a free port."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from pages.models import CaseStudyPage
from webhooks.models import Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_tasks(settings, monkeypatch):
    # The worker drops connections that are not in autocommit mode between tasks, as it
    # should in production; here the test's own transaction holds the seed, so keep it.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }


def run_worker() -> None:
    call_command(
        "db_worker", "--backend", "background", "--batch", "--no-startup-delay", "--no-reload"
    )


def test_a_publish_is_queued_in_the_database_and_the_worker_delivers_it(
    receiver, database_tasks, committed
):
    Webhook.objects.create(name="Static build", url=receiver.url, secret="s3cret")
    page = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")

    committed(lambda: page.save_revision().publish())

    # Publishing only queued it: nothing was sent yet, the task waits in the database.
    assert receiver.requests == []
    queued = DBTaskResult.objects.get()
    assert queued.status == "READY" and queued.backend_name == "background"
    assert WebhookDelivery.objects.get().status == "pending"

    run_worker()

    (request,) = receiver.requests
    payload = json.loads(request["body"])
    assert (payload["event"], payload["page_id"]) == ("page.published", page.pk)
    assert request["headers"]["X-Webhook-Signature"].startswith("sha256=")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.status_code, delivery.attempts) == ("delivered", 200, 1)
    finished = DBTaskResult.objects.get()
    assert finished.status == "SUCCESSFUL" and finished.return_value == "delivered"


def test_a_failed_delivery_is_requeued_for_later_not_retried_in_a_loop(
    receiver, database_tasks, committed, settings
):
    settings.WEBHOOK_RETRY_BACKOFF = 3600
    receiver.statuses = [503]
    Webhook.objects.create(name="Down for maintenance", url=receiver.url)
    page = CaseStudyPage.objects.get(slug="lille", locale__language_code="en")
    committed(lambda: page.save_revision().publish())

    run_worker()  # one attempt; the retry is queued an hour later and the worker exits

    assert len(receiver.requests) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.error) == ("retrying", 1, "HTTP 503")
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after is not None and retry.run_after == delivery.next_attempt_at
