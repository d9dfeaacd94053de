import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.production")
application = get_wsgi_application()

# What startup builds (modules, models, URL patterns, block definitions: ~240,000 objects that
# live as long as the process) is moved out of the garbage collector's reach, so a full
# collection walks only what requests made: with caches off, a `fields=*` listing spent a
# quarter of its time in those walks. The URLconf (and the views it imports) is loaded first.
get_resolver().url_patterns  # noqa: B018
gc.collect()
gc.freeze()
