"""A page's HTML as a small tree (stdlib ``html.parser``), to assert on what a reader sees, not on whitespace."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text inside, HTML's whitespace collapsed (not the ideographic space), entities decoded."""
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return re.sub(r"[ \t\n\r\f]+", " ", " ".join(parts)).strip(" ")

    def find_all(self, tag: str, **attrs: str) -> list[Element]:
        """Every element below with this tag and these attribute values (``class_`` for ``class``)."""
        wanted = {name.rstrip("_"): value for name, value in attrs.items()}
        found: list[Element] = []
        for child in self.children:
            if isinstance(child, Element):
                if child.tag == tag and all(child.attrs.get(k) == v for k, v in wanted.items()):
                    found.append(child)
                found += child.find_all(tag, **attrs)
        return found

    def find(self, tag: str, **attrs: str) -> Element:
        [only] = self.find_all(tag, **attrs)
        return only

    def labelled(self, tag: str, heading: str) -> Element:
        """The element whose ``aria-labelledby`` heading reads ``heading``."""
        for element in self.find_all(tag):
            label = element.attrs.get("aria-labelledby")
            if label and any(h.text == heading for h in self.find_all_with_id(label)):
                return element
        raise AssertionError(f"no <{tag}> labelled {heading!r}")

    def find_all_with_id(self, element_id: str) -> list[Element]:
        found = [c for c in self.children if isinstance(c, Element) and c.attrs.get("id") == element_id]
        for child in self.children:
            if isinstance(child, Element):
                found += child.find_all_with_id(element_id)
        return found

    def terms(self) -> dict[str, str]:
        """A definition list's terms and their descriptions, as text."""
        return {dt.text: dd.text for dt, dd in zip(self.find_all("dt"), self.find_all("dd"), strict=True)}


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        while len(self.stack) > 1:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root
