"""Paginating with a count the caller already knows, so a page costs no COUNT query."""

from django.core.paginator import InvalidPage, Page, Paginator


class KnownCountPaginator(Paginator):
    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @property
    def count(self) -> int:  # type: ignore[override]
        return self._known_count


def page_or_last(paginator: Paginator, number) -> Page:
    """The requested page; the first for junk, the last for a number past the end."""
    try:
        return paginator.page(number or 1)
    except InvalidPage:
        try:
            number = int(number)
        except (TypeError, ValueError):
            return paginator.page(1)
        return paginator.page(paginator.num_pages if number > 1 else 1)
