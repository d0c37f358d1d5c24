"""Rich text, once for every app: appeals, letters and articles are stored sanitised.

`sanitise_html(html)` keeps the formatting an editor produces (paragraphs, headings, lists,
emphasis, links, tables, images by https or site-relative address) and drops everything else:
scripts, styles, event handlers, `javascript:` links, comments. Links get
`rel="noopener noreferrer nofollow"`. Services call it before saving, so a stored body is
always safe to render with `|safe`; `plain_text(html)` gives the text for search, previews and
SMS.
"""

from __future__ import annotations

import html as html_lib
import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "blockquote", "pre", "code",
    "strong", "b", "em", "i", "u", "s", "sub", "sup", "span",
    "ul", "ol", "li", "a", "img", "figure", "figcaption",
    "table", "thead", "tbody", "tr", "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"https", "http", "mailto", "tel"}

_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|pre|tr|figure)>|<br\s*/?>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v]+")


def sanitise_html(value: str | None) -> str:
    """The HTML with only the allowed tags, attributes and link schemes kept."""
    if not value:
        return ""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def plain_text(value: str | None) -> str:
    """The text of (sanitised or not) HTML: block ends become line breaks, tags go."""
    if not value:
        return ""
    text = _BLOCK_END.sub("\n", value)
    text = html_lib.unescape(_TAG.sub("", text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)
