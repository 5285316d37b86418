"""Page/size pagination with totals: {"items", "count", "page", "size", "pages"}."""

from __future__ import annotations

import math
from typing import Any

from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAX_SIZE = 200


class PagePagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000, description="Page number, from 1")
        size: int = Field(20, ge=1, le=MAX_SIZE, description="Rows per page, at most 200")

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        size: int
        pages: int

    items_attribute = "items"

    def paginate_queryset(self, queryset, pagination: Input, **params):
        count = queryset.count() if hasattr(queryset, "count") and callable(
            queryset.count
        ) and not isinstance(queryset, list) else len(queryset)
        offset = (pagination.page - 1) * pagination.size
        return {
            "items": list(queryset[offset: offset + pagination.size]),
            "count": count,
            "page": pagination.page,
            "size": pagination.size,
            "pages": max(1, math.ceil(count / pagination.size)),
        }
