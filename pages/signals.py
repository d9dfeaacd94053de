"""Signals the content apps send beyond Django's model signals."""

from django.dispatch import Signal

# Sent (no arguments) after writes to content that bypass model signals: `bulk_create`,
# `QuerySet.update()`, raw SQL. Whatever derives from content (the API's response cache)
# treats it as a change to everything.
bulk_changed = Signal()
