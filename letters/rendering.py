"""The one PDF renderer: a Django template rendered to HTML, then to PDF bytes by WeasyPrint.

    pdf_bytes = render_pdf("send/pdf/plan.html", {"cycle": cycle, "targets": targets})

Templates extend "letters/pdf_base.html" (A4, print styles, no external assets). They are rendered
by Django's template engine, so every value is autoescaped like any page: text typed by staff or
parents cannot inject markup. WeasyPrint is given a URL fetcher that refuses every URL except inline
`data:` URIs, so nothing in a document, even if markup slipped through, can make the server fetch a
web address or read a local file (file:///etc/passwd), and rendering never touches the network.
"""

from __future__ import annotations

import logging

import weasyprint
from django.template.loader import render_to_string

from school.text_input import strip_bidi_controls

logger = logging.getLogger(__name__)

ALLOWED_SCHEMES = ("data:",)


class RefusedURL(ValueError):
    """Raised for any resource a PDF asks for that is not an inline data: URI."""


def _refuse(url: str) -> None:
    if not url.lower().startswith(ALLOWED_SCHEMES):
        logger.warning("PDF rendering refused to fetch %s", url[:200])
        raise RefusedURL(f"PDFs may not fetch external resources ({url[:60]}).")


if hasattr(weasyprint, "URLFetcher"):  # WeasyPrint 66+: fetchers are URLFetcher subclasses

    class RefusingURLFetcher(weasyprint.URLFetcher):
        def fetch(self, url, headers=None):
            _refuse(url)
            return super().fetch(url, headers)

    def make_url_fetcher():
        return RefusingURLFetcher(allowed_protocols=["data"], allow_redirects=False)

else:  # pragma: no cover - older WeasyPrint takes a plain function

    def make_url_fetcher():
        def fetch(url, timeout=10, ssl_context=None):
            _refuse(url)
            return weasyprint.default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)

        return fetch


def html_to_pdf(html: str) -> bytes:
    """PDF bytes for an HTML string, with no base URL and the refusing fetcher.

    Direction-override characters are stripped here too: forms and imports strip them on save, and
    this catches text saved before that rule or by a path that bypasses a form (school/text_input.py).
    """
    html = strip_bidi_controls(html)
    return weasyprint.HTML(string=html, base_url=None, url_fetcher=make_url_fetcher()).write_pdf()


def render_pdf(template_name: str, context: dict | None = None) -> bytes:
    """Render `template_name` (autoescaped Django template) with `context` to PDF bytes."""
    html = render_to_string(template_name, context or {})
    return html_to_pdf(html)


def pdf_response(pdf: bytes, filename: str, *, inline: bool = True):
    """An HttpResponse for PDF bytes, never cached, never sniffed."""
    from django.http import HttpResponse

    safe_name = "".join(ch for ch in filename if ch.isalnum() or ch in "-_.") or "document.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{safe_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
