"""Materialised page representations (api/materialised.py): the public JSON of a live page,
stored as bytes, with the tags of everything it was built from."""

from __future__ import annotations

from django.db import models


class MaterialisedPage(models.Model):
    """The public JSON of one page in one shape (`variant`: the detail, or a listing item with
    a given `type`/`fields`) for one API base URL (`host`: links and media URLs are absolute).

    Derived data: deleting every row is always safe (they are rebuilt on the next read)."""

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    variant = models.CharField(max_length=200)
    host = models.CharField(max_length=255)
    body = models.BinaryField()
    # Its tags in full, for the response cache to depend on when it serves this row.
    tags = models.JSONField(default=list)
    # The earliest `expire_at` of a page it shows: past it, the row is not served.
    expires_at = models.DateTimeField(null=True, blank=True)
    built_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["page", "variant", "host"], name="materialised_page_variant_host"
            )
        ]

    def __str__(self) -> str:
        return f"page {self.page_id} {self.variant} {self.host}"


class MaterialisedTag(models.Model):
    """One dependency of a representation: the same tags as the response cache (api/cache.py),
    stored as a SHA-1 so the lookup by tag is an index scan."""

    representation = models.ForeignKey(
        MaterialisedPage, on_delete=models.CASCADE, related_name="tag_rows"
    )
    tag_hash = models.CharField(max_length=40, db_index=True)

    def __str__(self) -> str:
        return self.tag_hash


class MaterialisedEpoch(models.Model):
    """A single counter, bumped (row-locked) by every content change in its transaction.

    A representation is stored only if the counter has not moved since its render began, so
    a render that read rows from before a change can never be stored after it."""

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.value)
