"""The API: Wagtail API v2 endpoints with resolved content (the cache is `api.cache`)."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"
