"""TeX formulas to MathML that is safe to put in a page, whatever the TeX says.

latex2mathml builds an element tree and then *unescapes* its serialisation (its symbols are
stored as character references), so the text of `\\text{<script>…}` reached pages as markup,
and `\\style`, `\\href` and `\\class` become attributes. Here the tree's text is decoded once
and serialised escaped, and the result passes nh3 with an allow-list of MathML presentation
elements and attributes: no script, no style, no link, no class, no event handler.
"""

from __future__ import annotations

import html
import re
from xml.etree.ElementTree import Element, tostring

import nh3
from latex2mathml.converter import convert_to_element

# Formulas longer than this are shown as TeX: latex2mathml's work grows with them and no
# real formula in the 21k cs.* papers or the snapshot sample comes near it.
MAX_FORMULA = 2000

MATHML_TAGS = frozenset(
    [
        "math",
        "mrow",
        "mi",
        "mn",
        "mo",
        "ms",
        "mtext",
        "mspace",
        "msub",
        "msup",
        "msubsup",
        "munder",
        "mover",
        "munderover",
        "mfrac",
        "msqrt",
        "mroot",
        "mstyle",
        "mtable",
        "mtr",
        "mtd",
        "mlabeledtr",
        "mpadded",
        "mphantom",
        "menclose",
        "merror",
        "mmultiscripts",
        "mprescripts",
        "none",
        "semantics",
    ]
)
_COMMON = {"mathvariant", "displaystyle", "scriptlevel", "mathsize"}
_ATTRIBUTES: dict[str, set[str]] = {
    "*": _COMMON,
    "math": {"display", "xmlns"} | _COMMON,
    "mo": {"fence", "separator", "stretchy", "symmetric", "largeop", "movablelimits", "form",
           "lspace", "rspace", "minsize", "maxsize", "accent"} | _COMMON,
    "mover": {"accent"} | _COMMON,
    "munder": {"accentunder"} | _COMMON,
    "munderover": {"accent", "accentunder"} | _COMMON,
    "mfrac": {"linethickness", "bevelled"} | _COMMON,
    "mspace": {"width", "height", "depth", "linebreak"} | _COMMON,
    "mpadded": {"width", "height", "depth", "lspace", "voffset"} | _COMMON,
    "menclose": {"notation"} | _COMMON,
    "mtable": {"columnalign", "rowalign", "columnspacing", "rowspacing", "columnlines",
               "rowlines", "frame", "framespacing", "equalrows", "equalcolumns", "align"}
    | _COMMON,
    "mtr": {"columnalign", "rowalign"} | _COMMON,
    "mtd": {"columnalign", "rowalign", "columnspan", "rowspan"} | _COMMON,
}  # fmt: skip
# values: words, numbers and lengths only (a length bounded, so no formula covers the page)
_VALUE = re.compile(r"^[A-Za-z0-9 .%#:/_-]{0,80}$")
_LENGTH = re.compile(r"^-?(\d{1,2}(\.\d+)?|\.\d+)\s*(em|ex|mu|pt|px|%)?$")
_LENGTH_ATTRS = {"width", "height", "depth", "lspace", "rspace", "voffset", "minsize", "maxsize"}


class FormulaError(ValueError):
    """latex2mathml could not read the formula, or it is too long to try."""


def formula_to_mathml(tex: str, display: bool) -> str:
    """MathML for one formula (without its $ or \\( delimiters), sanitised."""
    if len(tex) > MAX_FORMULA:
        raise FormulaError(f"formula of {len(tex)} characters (at most {MAX_FORMULA} rendered)")
    try:
        tree = convert_to_element(tex, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many kinds on TeX it cannot read
        raise FormulaError(str(exc)) from exc
    _decode_text(tree)
    # HTML puts <math> in the MathML namespace by itself, and inline is the default: 61
    # bytes a formula that a list of 50 abstracts would send hundreds of times
    tree.attrib.pop("xmlns", None)
    if not display:
        tree.attrib.pop("display", None)
    return sanitise_mathml(tostring(tree, encoding="unicode"))


def sanitise_mathml(markup: str) -> str:
    """Only the allowed MathML elements and attributes survive; text stays text."""
    return nh3.clean(
        markup,
        tags=set(MATHML_TAGS),
        attributes=_ATTRIBUTES,
        attribute_filter=_allowed_value,
        clean_content_tags={"script", "style"},
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    )


def _decode_text(element: Element) -> None:
    """latex2mathml keeps symbols as character references (`&#x0003C;`) in the tree's text:
    decode them once, so that serialising escapes every character the same way."""
    for node in element.iter():
        if node.text:
            node.text = html.unescape(node.text)
        if node.tail:
            node.tail = html.unescape(node.tail)


def _allowed_value(_tag: str, attribute: str, value: str) -> str | None:
    if attribute == "xmlns":
        return value if value == "http://www.w3.org/1998/Math/MathML" else None
    if attribute in _LENGTH_ATTRS:
        return value if _LENGTH.match(value.strip()) or value in ("", "0") else None
    return value if _VALUE.match(value) else None
