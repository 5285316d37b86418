"""Pieces shared by the sales screens."""

from django.shortcuts import render


def form_page(request, form, title: str, cancel_url: str):
    """A page with one form (the directory's form page layout)."""
    return render(request, "directory/property/form_page.html",
                  {"form": form, "title": title, "cancel_url": cancel_url})
