"""Liveness/readiness for load balancers: 200 while the database answers (the cache is
optional: "degraded" means answers come from the database alone), 503 when it does not."""

from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from api.errors import allow_methods
from pages.schema import Schema, component, obj


@component("Health")
def health_schema() -> Schema:
    """What `health` answers (its declaration for /api/v2/openapi.json)."""
    return obj(
        {
            "status": {"type": "string", "enum": ["ok", "unavailable"]},
            "checks": obj(
                {
                    "database": {"type": "string", "enum": ["ok", "unavailable"]},
                    "cache": {
                        "type": "string",
                        "enum": ["ok", "degraded", "unavailable"],
                        "description": "degraded: Redis is down and answers come from the "
                        "database alone.",
                    },
                }
            ),
        }
    )


@allow_methods("GET", "HEAD")
@never_cache
def health(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        checks["database"] = "unavailable"
    cache = caches["default"]
    if hasattr(cache, "is_available"):  # Redis (api.cache.redis.FailOpenRedisCache)
        checks["cache"] = "ok" if cache.is_available() else "degraded"
    else:  # the database cache: up exactly when the database is
        checks["cache"] = "ok" if checks["database"] == "ok" else "unavailable"
    healthy = checks["database"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
