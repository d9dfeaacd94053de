"""Reading and moving the content generation (`api.cache.models.Generation`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db import InterfaceError, OperationalError, connection
from django.db.models import F, Min, Value
from django.db.models.functions import Coalesce, Greatest, Least, Now
from django.utils import timezone
from wagtail.models import DraftStateMixin

from api.cache.models import Generation

ROW = 1
# One plain statement (the ORM's query building cost ~20 times the round trip on SQLite).
READ = f"SELECT value, changed_at, next_expiry FROM {Generation._meta.db_table} WHERE id = %s"


@dataclass(frozen=True)
class State:
    value: int
    changed_at: datetime.datetime
    next_expiry: datetime.datetime | None

    @property
    def last_modified(self) -> int:
        """`changed_at` in whole seconds: what HTTP's Last-Modified can say."""
        return int(self.changed_at.timestamp())


def current() -> State:
    """The generation now. Past the next expiry it moves first (once, whoever reads first):
    the content that expired is no longer public, although nothing was written."""
    state = _read()
    if state is None:  # a database that lost its row: start again
        Generation.objects.get_or_create(pk=ROW, defaults={"changed_at": timezone.now()})
        state = _read()
    if state.next_expiry is not None and state.next_expiry <= timezone.now():
        _expire(state.next_expiry)
        state = _read()
    return state


def _read() -> State | None:
    """Every API request asks first, so this read is also its connection's health check
    (`settings.base` turns Django's, a `SELECT 1` round trip before each request, off): a
    persistent connection the database dropped (a restart, an idle timeout) fails here, and
    the read runs once more on a new connection. A database that is down fails both times."""
    reused = connection.connection is not None
    try:
        return _select()
    except (InterfaceError, OperationalError):
        if not reused or connection.in_atomic_block:
            raise
        connection.close()
        return _select()


def _select() -> State | None:
    with connection.cursor() as cursor:
        cursor.execute(READ, [ROW])
        row = cursor.fetchone()
    if row is None:
        return None
    value, changed_at, next_expiry = row
    return State(value, _aware(changed_at), _aware(next_expiry))


def _aware(value: datetime.datetime | str | None) -> datetime.datetime | None:
    """PostgreSQL gives aware datetimes; SQLite the naive UTC that Django stored."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return value


def bump(expires_at: datetime.datetime | None = None) -> None:
    """Move the generation, in the caller's transaction: the change and the move commit
    together, so no reader can see one without the other. `expires_at`: when the changed
    content will expire on its own."""
    updates = {"value": F("value") + 1, "changed_at": Greatest(F("changed_at"), Now())}
    if expires_at is not None and expires_at > timezone.now():
        updates["next_expiry"] = Least(
            Coalesce("next_expiry", Value(expires_at)), Value(expires_at)
        )
    Generation.objects.filter(pk=ROW).update(**updates)


def _expire(due: datetime.datetime) -> None:
    now = timezone.now()
    upcoming = [
        model._default_manager.filter(expire_at__gt=now).aggregate(at=Min("expire_at"))["at"]
        for model in expiring_models()
    ]
    upcoming = [moment for moment in upcoming if moment is not None]
    # Compare-and-set: of several readers finding the same expiry due, one moves it.
    Generation.objects.filter(pk=ROW, next_expiry=due).update(
        value=F("value") + 1,
        changed_at=Greatest(F("changed_at"), Now()),
        next_expiry=min(upcoming, default=None),
    )


def expiring_models() -> list[type]:
    """Models whose rows carry `expire_at` in their own table (Page; snippets with drafts)."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, DraftStateMixin) and model._meta.get_field("expire_at").model is model
    ]
