"""Crossref's marked-up text (JATS or HTML in titles and abstracts) as plain text."""

from html.parser import HTMLParser

from works.sources.records import clean_text

# JATS and HTML elements that hold a paragraph of their own; all others are inline.
_BLOCKS = {"p", "title", "sec", "list", "list-item", "li", "ul", "ol", "div", "abstract", "br"}
# Crossref deposits often open with a heading that only labels the block as the abstract.
_LABELS = {"abstract", "summary"}


class _TextCollector(HTMLParser):
    """Plain text of marked-up text: one string per block element, inline tags dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.rsplit(":", 1)[-1] in _BLOCKS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag.rsplit(":", 1)[-1] in _BLOCKS:
            self.flush()

    def handle_data(self, data: str) -> None:
        self._parts.append(data)

    def flush(self) -> None:
        text = clean_text("".join(self._parts))
        if text:
            self.blocks.append(text)
        self._parts = []


def _blocks(markup: str) -> list[str]:
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    collector.flush()
    return collector.blocks


def plain_abstract(markup: str | None) -> str:
    """A JATS (or HTML) abstract as plain text: paragraphs joined by a blank line, no tags,
    entities decoded, and a leading "Abstract" heading dropped."""
    if not isinstance(markup, str):
        return ""
    blocks = _blocks(markup)
    if len(blocks) > 1 and blocks[0].casefold() in _LABELS:
        blocks = blocks[1:]
    return "\n\n".join(blocks)


def inline_text(markup: str) -> str:
    """Text with its inline markup (``<i>``, ``<sub>``, ``<scp>``...) removed, on one line."""
    if "<" not in markup and "&" not in markup:
        return markup
    return " ".join(_blocks(markup))
