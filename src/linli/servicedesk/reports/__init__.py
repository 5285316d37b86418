"""Service-desk reports and role dashboards (SVC-15): the figures are read by
``reports.selectors``; the screens, the API and the exports only present them."""
