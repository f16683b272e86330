"""Letter template text as staff save it: rich text cleaned by nh3 to a small set of tags.

nh3 (Rust's ammonia, the maintained successor of bleach) parses the HTML as a browser would and keeps
only the allowed tags, with no attributes at all: no links, styles, images or scripts can reach a
letter. Merge fields are plain text (``{pupil_first_name}``) and pass through untouched.

    >>> clean_body('<p onclick="x()">Dear {contact_name},<script>alert(1)</script></p><img src=x>')
    '<p>Dear {contact_name},</p>'
    >>> clean_body('<div><strong>Bold</strong> <a href="http://x">link</a></div>')
    '<div><strong>Bold</strong> link</div>'
"""

from __future__ import annotations

import nh3

ALLOWED_TAGS = frozenset(
    {"p", "div", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h1", "h2", "h3", "blockquote"}
)


def clean_body(html: str) -> str:
    return nh3.clean(html or "", tags=set(ALLOWED_TAGS), attributes={}, link_rel=None).strip()
