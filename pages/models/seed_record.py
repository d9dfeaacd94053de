from django.db import models


class SeedRecord(models.Model):
    """What load_seed last wrote for each seeded object, so a rerun can tell an editor's change
    (kept) from its own earlier write (safe to update)."""

    key = models.CharField(max_length=200, unique=True)
    content_type = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField()
    fingerprint = models.CharField(max_length=64, help_text="Hash of the seed entry last written.")
    state = models.CharField(
        max_length=64,
        help_text="Hash of the object as load_seed left it (to spot editors' changes).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.key
