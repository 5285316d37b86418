import pytest

from linli.core import modules
from linli.core.modules import SearchHit, SearchProvider
from linli.core.personal_data.search_query import QueryKind
from linli.core.personal_data.selectors import search, search_hits
from tests.builders import make_user


@pytest.fixture
def staff(world):
    """Users of tenant A under branch A, and a namesake in the other tenant."""
    zhang = make_user(world.tenant, world.branch_a, [], username="zhangsan01",
                      display_name="张三", mobile="+8613812341234")
    zeng = make_user(world.tenant, world.branch_a, [], username="zeng.gf",
                     display_name="曾国藩", mobile="+8613900005678")
    li = make_user(world.tenant, world.branch_b, [], username="lisi", display_name="李四",
                   mobile="+8613700001234")
    other = make_user(world.other_tenant, world.other_root, [], username="other-zhang",
                      display_name="张三", mobile="+8613812341234")
    return {"zhang": zhang, "zeng": zeng, "li": li, "other": other}


@pytest.fixture
def manager(world):
    return make_user(world.tenant, world.root, ["accounts.view_user"], username="manager",
                     display_name="经理")


def _hits(user, q):
    return [(h.title, h.subtitle, h.score) for h in search_hits(user, q, limit=20)[1]]


@pytest.mark.parametrize(("q", "expected"), [
    ("zs", [("张三", "zhangsan01 · 138****1234", 0.9)]),
    ("zhangsan", [("张三", "zhangsan01 · 138****1234", 0.9)]),
    ("zgf", [("曾国藩", "zeng.gf · 139****5678", 0.9)]),
    ("zengguo", [("曾国藩", "zeng.gf · 139****5678", 0.6)]),
    ("张", [("张三", "zhangsan01 · 138****1234", 0.8)]),
    ("李四", [("李四", "lisi · 137****1234", 1.0)]),
    ("13812341234", [("张三", "zhangsan01 · 138****1234", 1.0)]),
    ("0086 138 1234 1234", [("张三", "zhangsan01 · 138****1234", 1.0)]),
    ("1234", [("张三", "zhangsan01 · 138****1234", 0.7), ("李四", "lisi · 137****1234", 0.7)]),
    ("lisi", [("李四", "lisi · 137****1234", 1.0)]),
    ("3-2-1502", []),
    ("11010519491231002X", []),
])
def test_users_are_found_by_name_pinyin_phone_and_last4(world, staff, manager, q, expected):
    assert _hits(manager, q) == expected


def test_another_tenants_users_never_appear(world, staff):
    outsider = make_user(world.other_tenant, world.other_root, ["accounts.view_user"],
                         username="outsider")
    assert _hits(outsider, "张三") == [("张三", "other-zhang · 138****1234", 1.0)]
    assert _hits(outsider, "zeng") == []
    assert _hits(outsider, "13900005678") == []


def test_users_outside_the_managers_subtree_do_not_appear(world, staff):
    branch_manager = make_user(world.tenant, world.branch_b, ["accounts.view_user"],
                               username="bm", display_name="分经理")
    assert _hits(branch_manager, "1234") == [("李四", "lisi · 137****1234", 0.7)]
    assert _hits(branch_manager, "zs") == []


def test_without_the_permission_no_provider_answers(world, staff):
    clerk = make_user(world.tenant, world.root, ["accounts.view_orgunit"])
    assert _hits(clerk, "张三") == []


def test_hits_link_to_the_user_detail(world, staff, manager):
    (hit,) = search_hits(manager, "zs")[1]
    assert hit.url == f"/org/users/{staff['zhang'].pk}/"


@pytest.fixture
def unit_provider(monkeypatch):
    def find_units(user, query, limit):
        if query.kind != QueryKind.ROOM:
            return []
        room = query.room
        return [SearchHit("Unit", f"{room.building}-{room.section}-{room.room}", "小区A", "/u/1",
                          1.0)]

    provider = SearchProvider(key="test.units", permission="accounts.view_user",
                              search=find_units)
    monkeypatch.setitem(modules._search_providers, "test.units", provider)


def test_results_are_grouped_by_kind_best_group_first(world, staff, manager, unit_provider):
    # "1502" alone is a last-4 query; the room spelling reaches the unit provider.
    results = search(manager, "3栋2单元1502")
    assert results.query.kind == QueryKind.ROOM
    assert [(g.kind, [h.title for h in g.hits]) for g in results.groups] == [
        ("Unit", ["3-2-1502"])
    ]
    results = search(manager, "1234")
    assert [(g.kind, [h.title for h in g.hits]) for g in results.groups] == [
        ("User", ["张三", "李四"])
    ]
    assert results.count == 2


def test_suggest_returns_at_most_8(world, manager):
    for n in range(10):
        make_user(world.tenant, world.branch_a, [], username=f"wang{n}",
                  display_name=f"王{n}")
    query, hits = search_hits(manager, "wang")
    assert query.kind == QueryKind.PINYIN
    assert [h.subtitle for h in hits] == [f"wang{n}" for n in range(8)]


# --- screens --------------------------------------------------------------------------------

def test_search_page_shows_grouped_results(client, world, staff, manager):
    client.force_login(manager)
    response = client.get("/search/", {"q": "zs"})
    html = response.content.decode()
    assert response.status_code == 200
    assert [(g.kind, [h.title for h in g.hits]) for g in response.context["results"].groups] == [
        ("User", ["张三"])
    ]
    assert "zhangsan01 · 138****1234" in html
    assert "+8613812341234" not in html and "13812341234" not in html
    assert "Pinyin or initials" in html


def test_search_page_empty_query_shows_the_hint(client, manager):
    client.force_login(manager)
    response = client.get("/search/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Type what you are looking for." in html
    assert 'data-testid="search-hint"' in html
    assert response.context["results"].groups == []


def test_search_page_with_no_results(client, world, staff, manager):
    client.force_login(manager)
    html = client.get("/search/", {"q": "nobody-here"}).content.decode()
    assert "Nothing found for “nobody-here”." in html
    assert 'data-testid="search-hint"' in html


def test_search_page_never_shows_another_tenants_users(client, world, staff):
    outsider = make_user(world.other_tenant, world.other_root, ["accounts.view_user"])
    client.force_login(outsider)
    html = client.get("/search/", {"q": "zeng"}).content.decode()
    assert "曾国藩" not in html
    assert "Nothing found for “zeng”." in html


def test_search_needs_sign_in(client):
    assert client.get("/search/", {"q": "zs"}).status_code == 302
    assert client.get("/search/suggest/", {"q": "zs"}).status_code == 302


def test_suggest_partial(client, world, staff, manager):
    client.force_login(manager)
    response = client.get("/search/suggest/", {"q": "zs"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.count('href="/org/users/') == 1
    assert "张三" in html and 'href="/search/?q=zs"' in html


def test_suggest_partial_empty_query_is_empty(client, manager):
    client.force_login(manager)
    response = client.get("/search/suggest/", {"q": "  "})
    assert response.status_code == 200
    assert response.content.decode().strip() == ""


# --- API ------------------------------------------------------------------------------------

def test_api_search(client, world, staff, manager):
    client.force_login(manager)
    response = client.get("/api/v1/search", {"q": "zs", "limit": 5})
    assert response.status_code == 200
    assert response.json() == {
        "query": "zs", "query_kind": "pinyin",
        "hits": [{"kind": "User", "title": "张三", "subtitle": "zhangsan01 · 138****1234",
                  "url": f"/org/users/{staff['zhang'].pk}/", "score": 0.9}],
    }


def test_api_search_limit_and_refusals(client, world, staff, manager):
    client.force_login(manager)
    body = client.get("/api/v1/search", {"q": "1234", "limit": 1}).json()
    assert [h["title"] for h in body["hits"]] == ["张三"]
    response = client.get("/api/v1/search", {"q": "zs", "limit": 0})
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["limit"]
    assert client.get("/api/v1/search", {"q": ""}).json() == {
        "query": "", "query_kind": "empty", "hits": []
    }
    client.logout()
    assert client.get("/api/v1/search", {"q": "zs"}).status_code == 401


def test_api_search_other_tenant_sees_nothing_of_ours(client, world, staff):
    outsider = make_user(world.other_tenant, world.other_root, ["accounts.view_user"])
    client.force_login(outsider)
    body = client.get("/api/v1/search", {"q": "1234"}).json()
    assert [h["subtitle"] for h in body["hits"]] == ["other-zhang · 138****1234"]
