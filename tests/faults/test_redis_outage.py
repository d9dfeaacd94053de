"""Redis down while serving: the API keeps answering from the database, slower but correct,
and what editors publish meanwhile is what the API shows."""

from __future__ import annotations

import json
import time

import pytest

from tests.faults.servers import Load, app_env, get, run_script, serving

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

# Each cache operation gives up after 0.5 s (settings/base.py socket timeouts).
SLOW_BUT_BOUNDED_SECONDS = 8.0

PUBLISH = """
from pages.models import CaseStudyPage
page = CaseStudyPage.objects.get(pk=int(sys.argv[1])).specific
page.title = sys.argv[2]
page.save_revision().publish()
print(json.dumps({"title": CaseStudyPage.objects.get(pk=page.pk).title}))
"""


def publish_title(env: dict[str, str], page_id: int, title: str) -> dict:
    return run_script(env, PUBLISH, str(page_id), title)


def test_the_api_serves_correct_data_and_publishes_while_redis_is_down(
    postgres, seeded_database, redis_server, fault_dir
):
    env = app_env(postgres.url(seeded_database), fault_dir / "var", REDIS_URL=redis_server.url)
    with serving(env) as app:
        listing = get(app.base, "/api/v2/pages/?type=pages.CaseStudyPage&order=id").json()
        page_id = listing["items"][0]["id"]
        detail_path = f"/api/v2/pages/{page_id}/"
        paths = [detail_path, "/api/v2/pages/?type=pages.CaseStudyPage&order=id"]
        for path in paths:
            get(app.base, path)
        cached = get(app.base, detail_path)
        assert cached.headers["x-cache"] == "HIT", "the response cache should be in Redis"
        before = cached.json()

        with Load(app.base, paths, clients=4) as load:
            time.sleep(1)
            redis_server.stop()
            stopped = time.monotonic()
            time.sleep(4)
            during = load.since(stopped + 0.2)

            # An editor publishes while Redis is down: it works and the API shows it at once.
            new_title = f"{before['title']} (published while Redis was down)"
            assert publish_title(env, page_id, new_title)["title"] == new_title
            seen = load.wait_for(
                lambda r: r.url == detail_path and r.status == 200 and new_title in r.body.decode(),
                timeout=15,
            )
        everything = load.responses

        assert during, "no requests while Redis was down"
        for response in during:
            assert response.status == 200, (response.url, response.status, response.body[:300])
            assert response.elapsed < SLOW_BUT_BOUNDED_SECONDS, f"{response.elapsed:.1f} s"
        for response in during:
            if response.url == detail_path:
                body = response.json()
                assert body["title"] in (before["title"], new_title)
                assert {k: v for k, v in body.items() if k != "title"} == {
                    k: v for k, v in before.items() if k != "title"
                }
        assert {r.status for r in everything} == {200}
        assert seen is not None, "the publish never showed in the API"

        # Redis comes back (empty, as a restarted cache is): the new title, cached again.
        redis_server.start()
        answers = [get(app.base, detail_path) for _ in range(3)]
        assert all(a.json()["title"] == new_title for a in answers), [
            json.loads(a.body).get("title") for a in answers
        ]
        assert answers[-1].headers["x-cache"] == "HIT"
        publish_title(env, page_id, before["title"])
