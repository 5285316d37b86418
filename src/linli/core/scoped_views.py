"""Base views that apply the data scope (architecture rule 3).

A list view shows ``model.objects.restrict(user, "view")`` through ``get_scoped_queryset``; a
detail view resolves its object inside that queryset, so out of scope and missing are the same
404. The scope sweep test finds every URL served by these classes and proves nothing leaks.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured
from django.views.generic import DetailView, ListView


class ScopedMixin(LoginRequiredMixin):
    model = None
    scope_action = "view"
    scope_kind = "list"

    def get_scoped_queryset(self):
        """Selectors override this to add joins, filters and annotations; scope stays applied."""
        if self.model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a model")
        return self.model.objects.restrict(self.request.user, self.scope_action)

    def get_queryset(self):
        return self.get_scoped_queryset()


class ScopedListView(ScopedMixin, ListView):
    scope_kind = "list"
    paginate_by = 25


class ScopedDetailView(ScopedMixin, DetailView):
    scope_kind = "detail"
