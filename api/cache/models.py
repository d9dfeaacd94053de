"""The content generation: one row that every content change moves (see `api.cache`)."""

from __future__ import annotations

from django.db import models


class Generation(models.Model):
    """A counter bumped in the same transaction as every change to what the API shows.

    A cached answer is stored under the generation read before it was rendered and served
    only while that generation is current. Deleting cached answers is never needed."""

    value = models.BigIntegerField(default=0)
    # When it last moved (the database's clock): the API's Last-Modified.
    changed_at = models.DateTimeField()
    # The earliest future `expire_at` of any content when it last moved: public content
    # changes at that moment without any write (pages/visibility.py hides expired pages).
    next_expiry = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return str(self.value)
