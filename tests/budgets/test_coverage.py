"""Every list, detail, report and export endpoint has a query budget (NFR-1): a new endpoint
fails here until a page for it is added to one of the budget tables."""

from tests.budgets import test_api_budgets, test_export_budgets, test_screen_budgets
from tests.budgets.routes import NOT_PAGES, api_routes, exports_needed, pages_needed


def test_every_api_get_has_a_budget():
    assert sorted(api_routes() - {p.route for p in test_api_budgets.PAGES}) == []


def test_every_screen_has_a_budget():
    covered = {p.route for p in [*test_screen_budgets.PAGES, *test_export_budgets.PAGES]}
    assert sorted(pages_needed() - covered) == []


def test_every_export_has_a_budget():
    exported = {p.route for p in test_export_budgets.PAGES
                if isinstance(p.url, str) and "export=" in p.url}
    assert sorted(exports_needed() - exported) == []


def test_the_exemptions_are_real_routes():
    from tests.budgets.routes import screen_routes

    assert sorted(set(NOT_PAGES) - set(screen_routes())) == []
