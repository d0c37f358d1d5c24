"""A pager that never counts more rows than it needs to.

An exact COUNT(*) of a city's whole register (a million people) costs more than the rest of the
page together, and says nothing a reader needs to page through it. `BoundedPaginator` counts
at most `count_limit + 1` rows (`SELECT COUNT(*) FROM (SELECT … LIMIT n)`), which reads at most
that many index entries however large the scope:

- up to `count_limit` rows it is Django's `Paginator`, with the exact total and page count;
- beyond it the pager is *capped*: it says "more than 10,000" (never a made-up figure), and
  each page reads one row more than it shows to know whether there is a next page. There is no
  last page; a page past the end (only reachable by editing the URL) shows the first page.

`count` stays the exact total for any code that asks for it (it runs the full count then); the
page itself never does in the capped case.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import EmptyPage, InvalidPage, Page, PageNotAnInteger, Paginator

COUNT_LIMIT = 10_000


class BoundedPage(Page):
    """A page of a capped pager: knows its neighbours from the row it read beyond itself."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def start_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + 1 if self.object_list else 0

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


class BoundedPaginator(Paginator):
    """Django's paginator over a queryset, with a bounded count (see the module docstring)."""

    count_limit = COUNT_LIMIT

    def __init__(self, object_list, per_page, *, count_limit: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if count_limit is not None:
            self.count_limit = count_limit

    @cached_property
    def counted(self) -> int:
        """The rows, counted up to `count_limit + 1`, without ordering (the order changes
        nothing in a count, and an ORDER BY under the LIMIT would make the database sort)."""
        rows: Any = self.object_list  # a QuerySet: this pager counts in the database
        return rows.order_by().values("pk")[: self.count_limit + 1].count()

    @property
    def capped(self) -> bool:
        return self.counted > self.count_limit

    @cached_property
    def count(self) -> int:
        return self.counted if not self.capped else super().count

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        if not self.capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return BoundedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def get_page(self, number):
        if not self.capped:
            return super().get_page(number)
        try:
            return self.page(number)
        except InvalidPage:
            return self.page(1)
