"""The benchmark's ceiling: an empty JSON view, mounted only when BENCH_CEILING_VIEW is on.

`make bench` measures every endpoint against it, on the same server and in the same run, so
the ratio shows what the API's own work costs on top of Django, middleware and gunicorn.
"""

from django.http import HttpRequest, JsonResponse


def empty(request: HttpRequest) -> JsonResponse:
    return JsonResponse({})
