"""French typography, applied once to every French text of the catalogs.

A French editor in Quebec or Paris expects (Office québécois de la langue française;
Imprimerie nationale, Lexique des règles typographiques):

* a narrow no-break space (U+202F) before ; : ! ? and %, and inside « »;
* the typographic apostrophe ’ in place of ';
* a decimal comma and the minus sign, which the number formats already give.

Catalog authors write plain spaces (or none) and straight apostrophes; `typeset`
puts the right characters in. It leaves alone what is not prose: a colon or a
percent sign with no space before it inside a word or an address ("https://",
"10:30", "%20"), and text between braces, the placeholders filled in later.
"""

from __future__ import annotations

import re

NARROW_NBSP = "\u202f"
_PLACEHOLDER = re.compile(r"(\{[^{}]*\})")
# A space (plain or no-break) before high punctuation or a closing guillemet.
_SPACE_BEFORE = re.compile(r"[ \u00a0]+([;:!?%»])")
# High punctuation glued to a word and followed by a space or the end: "texte;" -> "texte ;".
_GLUED = re.compile(r"(?<=[\w)»’])([;!?])(?=\s|$)")
_GLUED_COLON = re.compile(r"(?<=[\w)»’])(:)(?=\s|$)")
_PERCENT_AFTER_DIGIT = re.compile(r"(?<=\d)%")
_AFTER_OPENING = re.compile(r"«[ \u00a0]*")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_HIGH = frozenset(";:!?%»")


def typeset(text: str, lang: str) -> str:
    """`text` with French typography if `lang` is "fr"; unchanged otherwise."""
    if lang != "fr":
        return text
    parts = _PLACEHOLDER.split(text)
    # Even parts are prose, odd parts placeholders: only prose is typeset, but a
    # placeholder's neighbours count (a space before "{x}%" is still before "%").
    typeset_parts = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            part = _typeset_prose(part)
            if index > 0 and part[:1] in _HIGH:  # "{a}; {b}", "« {x} »"
                part = NARROW_NBSP + part
        typeset_parts.append(part)
    return "".join(typeset_parts)


def _typeset_prose(text: str) -> str:
    text = _APOSTROPHE.sub("\u2019", text)
    text = _SPACE_BEFORE.sub(NARROW_NBSP + r"\1", text)
    text = _GLUED.sub(NARROW_NBSP + r"\1", text)
    text = _GLUED_COLON.sub(NARROW_NBSP + r"\1", text)
    text = _PERCENT_AFTER_DIGIT.sub(NARROW_NBSP + "%", text)
    return _AFTER_OPENING.sub("«" + NARROW_NBSP, text)
