"""Where the browser goes back to after a login or a change of language: only a path of this site.

A ``next`` that leaves the site (``//host``, ``/\\host``) or hides a way out
(whitespace and control characters, which browsers drop from a URL before
reading it: ``/\\t/host`` becomes ``//host``) is replaced by the default, so
no link to this site can send a resident elsewhere.
"""

from __future__ import annotations

from urllib.parse import urlencode

MAX_LENGTH = 500


def local_path(target: str | None, default: str = "/") -> str:
    """``target`` if it is a path of this site, else ``default``."""
    if (target and target.startswith("/") and len(target) <= MAX_LENGTH and not target.startswith("//")
            and "\\" not in target and all(c.isprintable() and not c.isspace() for c in target)):
        return target
    return default


def with_next(url: str, target: str | None) -> str:
    """``url`` with ``?next=`` the page to come back to, when there is one besides the home page."""
    back = local_path(target)
    if back == "/":
        return url
    return url + ("&" if "?" in url else "?") + urlencode({"next": back})
