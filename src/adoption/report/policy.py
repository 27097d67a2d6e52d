"""The Content-Security-Policy every page we publish carries.

Pages are built from data other people wrote. Escaping keeps a data string from
becoming markup; the policy is the second lock: even if markup slipped through,
the browser runs no script but the page's own (named by the SHA-256 of its text),
loads nothing from any other host, and sends no form anywhere. It is set by a
`<meta http-equiv>` tag, so it holds for a page opened from a file, from any web
server, or from a blog that copies it whole.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable


def content_security_policy(script_hashes: Iterable[str] = ()) -> str:
    """The policy text: images from the page's own folder or inline, inline styles, frames
    from the page's own folder (the interactive charts, `charts/NAME.html`, which carry
    their own policy), and only the scripts whose `'sha256-...'` source expressions are
    given."""
    scripts = " ".join(script_hashes) or "'none'"
    return "; ".join([
        "default-src 'none'",
        "img-src 'self' data:",
        "style-src 'unsafe-inline'",
        "font-src 'self' data:",
        f"script-src {scripts}",
        "frame-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "object-src 'none'",
    ])


def script_hash(script: str) -> str:
    """The source expression ('sha256-...') that allows this inline script, and no other."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
