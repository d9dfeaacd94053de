"""The reference front end's static server: no dependencies, no build step.

    python frontend/serve.py --port 3000 [--api-url http://127.0.0.1:8000]

Serves `/sitemap.xml` (every public page in every language, with its `hreflang` alternates,
from the API's `/api/v2/sitemap/`), the files in this folder, `/config.js` (the API's origin, from `--api-url` or the
`API_URL` environment variable, default http://127.0.0.1:${PORT:-8000}; and the Wagtail admin's
origin, which frames previews, from `ADMIN_URL`, default the API's), and index.html for every
other path, because the app routes by URL path in the browser.
"""

from __future__ import annotations

import argparse
import json
import os
import urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

ROOT = Path(__file__).resolve().parent
STATIC_FILES = {"app.js", "styles.css", "favicon.svg"}


class FrontendHandler(SimpleHTTPRequestHandler):
    api_url = "http://127.0.0.1:8000"
    admin_url = ""

    def __init__(self, *args, api_url: str, admin_url: str = "", **kwargs):
        self.api_url = api_url
        self.admin_url = admin_url or api_url
        super().__init__(*args, directory=str(ROOT), **kwargs)

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/config.js":
            body = (
                f"window.API_URL = {json.dumps(self.api_url)};\n"
                f"window.ADMIN_URL = {json.dumps(self.admin_url)};\n"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
            return
        if path == "/sitemap.xml":
            self.send_sitemap()
            return
        if path.lstrip("/") not in STATIC_FILES:
            # Client-side routing: every page path gets the app shell.
            self.path = "/index.html"
        super().do_GET()

    def send_sitemap(self) -> None:
        origin = f"http://{self.headers.get('Host', 'localhost')}"
        try:
            body = sitemap_xml(self.api_url, origin).encode()
        except OSError:
            self.send_error(502, "The content API cannot be reached")
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "public, max-age=300")
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "strict-origin-when-cross-origin")
        if self.path == "/index.html":
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        if os.environ.get("FRONTEND_QUIET") != "1":
            super().log_message(format, *args)


def sitemap_entries(api_url: str):
    """Every entry of the API's sitemap, page after page."""
    offset = 0
    while True:
        with urllib.request.urlopen(f"{api_url}/api/v2/sitemap/?offset={offset}", timeout=30) as r:
            data = json.load(r)
        yield from data["items"]
        offset += len(data["items"])
        if not data["items"] or offset >= data["meta"]["total_count"]:
            return


def sitemap_xml(api_url: str, origin: str) -> str:
    """sitemap.xml with every language of every page as `<xhtml:link rel="alternate">`."""
    urls = []
    for entry in sitemap_entries(api_url):
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang={quoteattr(t["locale"])} '
            f"href={quoteattr(origin + t['path'])}/>"
            for t in entry["translations"]
            if len(entry["translations"]) > 1
        )
        lastmod = (
            f"<lastmod>{escape(entry['last_published_at'])}</lastmod>"
            if entry["last_published_at"]
            else ""
        )
        urls.append(f"<url><loc>{escape(origin + entry['path'])}</loc>{lastmod}{alternates}</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + "\n".join(urls) + "\n</urlset>\n"
    )


def default_api_url() -> str:
    return os.environ.get("API_URL") or f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"


def make_server(
    port: int, api_url: str, host: str = "127.0.0.1", admin_url: str | None = None
) -> ThreadingHTTPServer:
    if admin_url is None:
        admin_url = os.environ.get("ADMIN_URL", "")
    handler = partial(FrontendHandler, api_url=api_url.rstrip("/"), admin_url=admin_url.rstrip("/"))
    return ThreadingHTTPServer((host, port), handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("FRONTEND_PORT", 3000)))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--api-url", default=default_api_url())
    args = parser.parse_args()
    server = make_server(args.port, args.api_url, args.host)
    print(f"Front end on http://{args.host}:{args.port}/ reading {args.api_url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
