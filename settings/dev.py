"""Local development: DEBUG on, a throwaway secret, the reference front end allowed by CORS.

`make run` serves the reference front end on FRONTEND_PORT (default 3000); every front-end URL
follows it unless set itself: FRONTEND_URL (page URLs, `meta.html_url`, "View live", the
redirect of page URLs on the CMS host), FRONTEND_PREVIEW_URL (Preview), CSP `frame-src` (the
admin's preview panel) and CORS."""

import os

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY, env_list

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-never-used-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
FRONTEND_PORT = os.environ.get("FRONTEND_PORT", "3000")
FRONTEND_URL = os.environ.get("FRONTEND_URL") or f"http://127.0.0.1:{FRONTEND_PORT}"
FRONTEND_PREVIEW_URL = (
    os.environ.get("FRONTEND_PREVIEW_URL") or FRONTEND_URL.rstrip("/") + "/preview"
)
CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY,
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "frame-src": ["'self'", FRONTEND_URL],
    },
}
CORS_ALLOWED_ORIGINS = env_list(
    "CORS_ALLOWED_ORIGINS", f"http://127.0.0.1:{FRONTEND_PORT},http://localhost:{FRONTEND_PORT}"
)
# runserver handles each request in a new thread: a persistent connection would never be reused.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
