"""App servers are stateless: what an editor does through one server, every other server
serves at once. Two gunicorn servers (production settings, response cache on, in Redis)
share one PostgreSQL database, one Redis and one S3-compatible bucket, and nothing else."""

from __future__ import annotations

import hashlib
import io
import secrets

import pytest
import requests
from bs4 import BeautifulSoup
from PIL import Image
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from tests.multiserver.conftest import AppServer, Cluster

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


class AdminSession:
    """An editor's browser on one server's admin, behind a TLS-terminating proxy.

    Production cookies are `Secure`, so the proxy's `X-Forwarded-Proto: https` is sent and
    cookies are kept here by hand (an http client would rightly not send Secure cookies)."""

    def __init__(self, server: AppServer):
        self.server = server
        self.cookies: dict[str, str] = {}
        self.headers = {
            "X-Forwarded-Proto": "https",
            "Origin": "https://" + server.url.removeprefix("http://"),
        }

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        response = requests.request(
            method,
            self.server.url + path,
            headers=self.headers,
            cookies=self.cookies,
            allow_redirects=False,
            timeout=120,
            **kwargs,
        )
        self.cookies.update(response.cookies.get_dict())
        assert response.status_code < 500, f"{method} {path}:\n{self.server.log_tail()}"
        return response

    def post_form(self, path: str, data: dict, files: dict | None = None) -> requests.Response:
        if "csrftoken" not in self.cookies:
            self.request("GET", path)
        data = {**data, "csrfmiddlewaretoken": self.cookies["csrftoken"]}
        return self.request("POST", path, data=data, files=files)

    def log_in(self, username: str, password: str) -> None:
        self.request("GET", "/admin/login/")
        response = self.post_form(
            "/admin/login/", {"username": username, "password": password, "next": "/admin/"}
        )
        assert response.status_code == 302, form_errors(response)
        assert self.request("GET", "/admin/").status_code == 200


def form_errors(response: requests.Response) -> str:
    soup = BeautifulSoup(response.text, "html.parser")
    errors = soup.select(".error-message, .help-critical, .messages .error, .w-field__errors")
    return f"{response.status_code}: " + " | ".join(e.get_text(" ", strip=True) for e in errors)


def case_study_form(title: str, slug: str, hero_image: int | str = "") -> dict:
    """What the admin's case-study form posts when an editor fills it in and clicks Publish."""
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": f"{title}: a partnership published through one app server.",
            "body": streamfield([]),
            "themes": "",
            "partner_organisations": inline_formset([]),
            "related_partner_city": "",
            "related_network": "",
            "find_out_more_url": "",
            "find_out_more_label": "",
            "hero_image": hero_image,
            "seo_title": "",
            "search_description": "",
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )


def api_json(server: AppServer, path: str, **params) -> tuple[dict, str]:
    response = server.get(path, params=params)
    assert response.status_code == 200, f"{server.name} {path}: {response.text[:500]}"
    return response.json(), response.headers.get("X-Cache", "")


def warm(server: AppServer, path: str, **params) -> dict:
    """Request twice: the second answer comes from the shared cache."""
    api_json(server, path, **params)
    data, cache = api_json(server, path, **params)
    assert cache == "HIT", f"{server.name} did not serve {path} from the cache: is it on?"
    return data


def hub_id(server: AppServer) -> int:
    response = server.get("/api/v2/pages/find/", params={"html_path": "/"})
    assert response.status_code == 302
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def page_id_at(server: AppServer, path: str) -> int | None:
    response = server.get("/api/v2/pages/find/", params={"html_path": path})
    if response.status_code == 404:
        return None
    assert response.status_code == 302, response.text[:500]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


CASE_STUDIES = {"type": "pages.CaseStudyPage", "limit": 100}


def listed_titles(server: AppServer) -> tuple[set[str], str]:
    data, cache = api_json(server, "/api/v2/pages/", **CASE_STUDIES)
    return {item["title"] for item in data["items"]}, cache


def publish_new_case_study(admin: AdminSession, title: str, hero_image: int | str = "") -> str:
    slug = title.lower().replace(" ", "-")
    parent = hub_id(admin.server)
    response = admin.post_form(
        f"/admin/pages/add/pages/casestudypage/{parent}/",
        case_study_form(title, slug, hero_image),
    )
    assert response.status_code == 302, form_errors(response)
    return f"/{slug}/"


def test_a_page_published_through_one_server_is_served_at_once_by_the_other(cluster: Cluster):
    a, b = cluster.a, cluster.b
    title = f"Kraków exchange {secrets.token_hex(3)}"

    # Server B has the listing in its response cache (in Redis) before the publish.
    before = {item["title"] for item in warm(b, "/api/v2/pages/", **CASE_STUDIES)["items"]}
    assert title not in before

    admin = AdminSession(a)
    admin.log_in(*cluster.admin)
    path = publish_new_case_study(admin, title)

    after, _ = listed_titles(b)
    assert title in after
    page_id = page_id_at(b, path)
    assert page_id is not None

    # An edit published through A replaces B's cached detail at once.
    assert warm(b, f"/api/v2/pages/{page_id}/")["title"] == title
    slug = path.strip("/")
    renamed = f"{title} renewed"
    response = admin.post_form(
        f"/admin/pages/{page_id}/edit/", case_study_form(renamed, slug, hero_image="")
    )
    assert response.status_code == 302, form_errors(response)
    detail, _ = api_json(b, f"/api/v2/pages/{page_id}/")
    assert detail["title"] == renamed
    assert renamed in listed_titles(b)[0]


def test_an_admin_session_started_on_one_server_is_valid_on_the_other(cluster: Cluster):
    on_a = AdminSession(cluster.a)
    on_a.log_in(*cluster.admin)
    on_b = AdminSession(cluster.b)
    on_b.cookies = dict(on_a.cookies)
    response = on_b.request("GET", "/admin/")
    assert response.status_code == 200 and "Dashboard" in response.text


def jpeg_bytes(width: int = 1200, height: int = 800) -> bytes:
    image = Image.merge("RGB", [Image.effect_noise((width, height), 40 + 20 * i) for i in range(3)])
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def upload_image(admin: AdminSession, title: str, content: bytes) -> None:
    form = BeautifulSoup(admin.request("GET", "/admin/images/add/").text, "html.parser")
    data = {"title": title, "description": f"{title}, uploaded for the test", "tags": ""}
    collection = form.select_one('select[name="collection"] option[value]')
    if collection is not None:
        data["collection"] = collection["value"]
    response = admin.post_form(
        "/admin/images/add/", data, files={"file": (f"{title}.jpg", content, "image/jpeg")}
    )
    assert response.status_code == 302, form_errors(response)


def test_an_image_uploaded_through_one_server_is_served_by_the_other(cluster: Cluster):
    a, b = cluster.a, cluster.b
    title = f"Dortmund harbour {secrets.token_hex(3)}"
    content = jpeg_bytes()
    admin = AdminSession(a)
    admin.log_in(*cluster.admin)
    upload_image(admin, title, content)

    # B lists the image and hands out its original from object storage, byte for byte.
    images, _ = api_json(b, "/api/v2/images/", title=title)
    assert [item["title"] for item in images["items"]] == [title]
    image = images["items"][0]
    original, _ = api_json(b, f"/api/v2/images/{image['id']}/")
    download = requests.get(original["meta"]["download_url"], timeout=60)
    assert download.status_code == 200
    assert hashlib.sha256(download.content).digest() == hashlib.sha256(content).digest()
    assert original["meta"]["download_url"].startswith(f"{cluster.s3_endpoint}/{cluster.bucket}/")

    # A page using it, published through A: B renders its renditions (reading the original
    # from the bucket) and every rendition URL it gives resolves to an image of that width.
    path = publish_new_case_study(admin, f"Harbour case {secrets.token_hex(3)}", image["id"])
    page, _ = api_json(b, f"/api/v2/pages/{page_id_at(b, path)}/")
    hero = page["hero_image"]
    assert hero["id"] == image["id"]
    for rendition in hero["renditions"]["webp"] + hero["renditions"]["jpeg"]:
        assert rendition["url"].startswith(f"{cluster.s3_endpoint}/{cluster.bucket}/")
        fetched = requests.get(rendition["url"], timeout=60)
        assert fetched.status_code == 200
        served = Image.open(io.BytesIO(fetched.content))
        assert served.size == (rendition["width"], rendition["height"])

    # Neither server wrote an upload to its own disk.
    for server in (a, b):
        assert not any((server.var_dir / "media").rglob("*.*")), server.name


def test_a_document_uploaded_through_one_server_is_served_by_the_other_not_by_the_bucket(
    cluster: Cluster,
):
    a, b = cluster.a, cluster.b
    title = f"Twinning charter {secrets.token_hex(3)}"
    content = b"%PDF-1.4\n% a twinning charter\n" + secrets.token_bytes(2048)
    admin = AdminSession(a)
    admin.log_in(*cluster.admin)
    form = BeautifulSoup(admin.request("GET", "/admin/documents/add/").text, "html.parser")
    data = {"title": title, "tags": ""}
    collection = form.select_one('select[name="collection"] option[value]')
    if collection is not None:
        data["collection"] = collection["value"]
    filename = title.lower().replace(" ", "-") + ".pdf"
    response = admin.post_form(
        "/admin/documents/add/", data, files={"file": (filename, content, "application/pdf")}
    )
    assert response.status_code == 302, form_errors(response)

    documents, _ = api_json(b, "/api/v2/documents/", title=title)
    assert [item["title"] for item in documents["items"]] == [title]
    download_url = documents["items"][0]["meta"]["download_url"]
    served = requests.get(b.url + download_url.removeprefix(b.url), timeout=60)
    assert served.status_code == 200 and served.content == content
    # The file itself is in the bucket, but not readable there by anyone: documents go
    # through Wagtail's serve view, which applies collection privacy.
    key = f"documents/{filename}"
    stored = cluster.s3.get_object(Bucket=cluster.bucket, Key=key)["Body"].read()
    assert stored == content
    assert requests.get(f"{cluster.s3_endpoint}/{cluster.bucket}/{key}").status_code == 403
