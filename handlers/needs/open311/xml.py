"""GeoReport v2 XML documents built with ElementTree: one element per field, lists as repeated
singular elements (`<services><service>…`), text escaped and stripped of characters XML forbids."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence

DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

# The element each item of a list field becomes, as the spec names them.
ITEM_TAGS = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}

# Control characters are not allowed in XML 1.0 even escaped; a resident's text may carry them.
FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

Value = str | int | float | bool | None | Mapping[str, "Value"] | Sequence["Value"]


def xml_document(
    root: str, content: Mapping[str, Value] | Sequence[Mapping[str, Value]], item: str = ""
) -> bytes:
    """A UTF-8 document: `<root>` holding `content`'s fields, or one `<item>` per entry of a list."""
    element = ET.Element(root)
    if isinstance(content, Mapping):
        _fill(element, content)
    else:
        for entry in content:
            _fill(ET.SubElement(element, item), entry)
    return DECLARATION + ET.tostring(element, encoding="utf-8", xml_declaration=False)


def _fill(element: ET.Element, value: Value) -> None:
    if isinstance(value, Mapping):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list | tuple):
        for child in value:
            _fill(ET.SubElement(element, ITEM_TAGS[element.tag]), child)
    else:
        element.text = xml_text(value)


def xml_text(value: str | int | float | bool | None) -> str | None:
    """The text of an element: true/false for booleans, nothing for None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return FORBIDDEN.sub("", str(value))
