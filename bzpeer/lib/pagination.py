"""Paginating with a count the caller already knows, so a page costs no COUNT query."""

from typing import Any

from django.core.paginator import InvalidPage, Page, Paginator

# Every list of works and of researchers on the site pages by these.
WORKS_PER_PAGE = 20
RESEARCHERS_PER_PAGE = 25


# Paginator is generic in the stubs only; subscripting it at run time raises TypeError.
class KnownCountPaginator(Paginator):  # type: ignore[type-arg]
    def __init__(self, object_list: Any, per_page: int, *, count: int, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


def page_or_last(paginator: "Paginator[Any]", number: Any) -> Page[Any]:
    """The requested page; the first for junk, the last for a number past the end."""
    try:
        return paginator.page(number or 1)
    except InvalidPage:
        try:
            number = int(number)
        except (TypeError, ValueError):
            return paginator.page(1)
        return paginator.page(paginator.num_pages if number > 1 else 1)
