"""Local development: DEBUG on, a throwaway secret, the reference front end allowed by CORS."""

import os

from .base import *  # noqa: F403
from .base import env_list

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-never-used-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
FRONTEND_PORT = os.environ.get("FRONTEND_PORT", "3000")
CORS_ALLOWED_ORIGINS = env_list(
    "CORS_ALLOWED_ORIGINS", f"http://127.0.0.1:{FRONTEND_PORT},http://localhost:{FRONTEND_PORT}"
)
