"""Finds the forms on a page (html.parser, no browser) and the links to crawl, for the adversarial tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

FREE_TEXT_TYPES = {"text", "search", "email", "url", "tel", "password", ""}
TYPED_TYPES = {"number", "date", "datetime-local", "time", "month", "week"}
SKIPPED_TYPES = {"submit", "button", "reset", "image", "file"}


@dataclass
class Field:
    name: str
    kind: str  # input type, "textarea" or "select"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class Form:
    action: str
    method: str
    fields: list[Field] = field(default_factory=list)

    def defaults(self) -> dict[str, list[str]]:
        data: dict[str, list[str]] = {}
        for f in self.fields:
            if f.kind in {"checkbox", "radio"}:
                if f.checked:
                    data.setdefault(f.name, []).append(f.value or "on")
            elif f.kind == "select":
                if f.options:
                    data.setdefault(f.name, []).append(
                        f.value if f.value else next((o for o in f.options if o), "")
                    )
            else:
                data.setdefault(f.name, []).append(f.value)
        return data


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
            if "selected" in a:
                self._select.value = a.get("value", "")
            return
        for attr in ("href", "hx-get"):
            if a.get(attr) and tag in {
                "a",
                "div",
                "section",
                "span",
                "li",
                "button",
                "tr",
                "td",
                "form",
                "p",
            }:
                self.links.append(a[attr])
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind not in SKIPPED_TYPES:
                self._form.fields.append(Field(a["name"], kind, a.get("value", ""), checked="checked" in a))
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea")
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(a["name"], "select")
            self._form.fields.append(self._select)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def parse_page(html: str) -> tuple[list[Form], list[str]]:
    parser = _PageParser()
    parser.feed(html)
    return parser.forms, parser.links


def same_site_path(base_url: str, link: str) -> str | None:
    """The path (with query) of a same-site link, or None for other sites, fragments and schemes."""
    if not link or link.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    absolute = urljoin("http://testserver" + base_url, link)
    parts = urlsplit(absolute)
    if parts.netloc != "testserver":
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
