"""Sales reports (SAL-6): the funnel, lost deals, rep performance, sell-through and
receivables. The figures are read by ``reports.selectors``; the screens, the API and the
exports only present them (``core.reports`` gives the shape they share with the other
modules' reports)."""
