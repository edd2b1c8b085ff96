"""Keyword fields and their parsers (XMP packets, IPTC records, EXIF XPKeywords).

Pure functions, no file access: :mod:`.read` feeds them bytes. The managed fields are XMP
``dc:subject`` (leaf names), XMP ``lr:hierarchicalSubject`` (full ``a|b`` paths), IPTC
``Keywords`` and EXIF ``XPKeywords``; digiKam's ``TagsList`` (``a/b``) is read only.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, fields, replace

HIERARCHY = "|"

NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_LR = "http://ns.adobe.com/lightroom/1.0/"
NS_DIGIKAM = "http://www.digikam.org/ns/1.0/"
NS_X = "adobe:ns:meta/"
NS_XML = "http://www.w3.org/XML/1998/namespace"

# (namespace, local name) of the XMP properties we manage or read as keywords.
XMP_SUBJECT = (NS_DC, "subject")
XMP_HIERARCHICAL = (NS_LR, "hierarchicalSubject")
XMP_TAGSLIST = (NS_DIGIKAM, "TagsList")
KEYWORD_PROPERTIES = {XMP_SUBJECT, XMP_HIERARCHICAL, XMP_TAGSLIST}

IPTC_UTF8 = b"\x1b%G"


class MetadataParseError(Exception):
    """A file's metadata cannot be parsed; such a file is never written."""


@dataclass(frozen=True)
class KeywordFields:
    """The keyword values of one file (or sidecar), field by field, in file order."""

    subject: tuple[str, ...] = ()
    hierarchical: tuple[str, ...] = ()
    iptc: tuple[str, ...] = ()
    xp: tuple[str, ...] = ()
    tags_list: tuple[str, ...] = ()  # digiKam, read only

    def to_json(self) -> dict[str, list[str]]:
        return {f.name: list(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_json(cls, data: dict[str, list[str]] | None) -> KeywordFields:
        data = data or {}
        return cls(**{f.name: tuple(data.get(f.name, ())) for f in fields(cls)})

    def merged(self, other: KeywordFields) -> KeywordFields:
        """Field-wise union (first occurrence wins), e.g. embedded + sidecar."""
        return replace(self, **{f.name: _union(getattr(self, f.name), getattr(other, f.name)) for f in fields(self)})

    def tags(self) -> list[str]:
        """The union of all fields as tag names: hierarchies kept, duplicates dropped.

        A flat keyword that is the leaf of a hierarchical one (Lightroom writes ``paris`` to
        ``dc:subject`` and ``places|paris`` to ``lr:hierarchicalSubject``) is not a tag of its own.
        """
        paths: list[str] = []
        for value in (*self.hierarchical, *(v.replace("/", HIERARCHY) for v in self.tags_list)):
            name = clean_tag(value)
            if name:
                paths.append(name)
        leaves = {p.split(HIERARCHY)[-1].casefold() for p in paths if HIERARCHY in p}
        flat: list[str] = []
        for value in (*self.subject, *self.iptc, *self.xp):
            name = clean_tag(value.replace(HIERARCHY, " "))
            if name and name.casefold() not in leaves:
                flat.append(name)
        return list(_union(tuple(paths), tuple(flat)))


def clean_tag(value: str) -> str:
    """A keyword as a tag name: whitespace collapsed, empty hierarchy parts dropped."""
    parts = [" ".join(p.split()) for p in value.replace("\x00", "").split(HIERARCHY)]
    return HIERARCHY.join(p for p in parts if p)


def leaf(name: str) -> str:
    return name.split(HIERARCHY)[-1]


def _union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    out: list[str] = []
    for v in (*a, *b):
        key = v.casefold()
        if key not in seen:
            seen.add(key)
            out.append(v)
    return tuple(out)


# -- XMP -------------------------------------------------------------------------------------------


def _qname(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def parse_xmp(packet: bytes | str) -> ET.Element:
    """Parse an XMP packet (with or without the ``<?xpacket?>`` wrapper) into its XML root."""
    text = packet if isinstance(packet, str) else _decode_packet(bytes(packet))
    text = _XML_DECL.sub("", text.strip("\x00 \t\r\n\ufeff"), count=1)
    if not text:
        raise MetadataParseError("XMP packet is empty")
    try:
        return ET.fromstring(text)
    except ET.ParseError as exc:
        raise MetadataParseError(f"XMP packet is not well-formed XML ({exc})") from exc


_XML_DECL = re.compile(r"^<\?xml[^>]*\?>")


def _decode_packet(data: bytes) -> str:
    """XMP may be UTF-8 or UTF-16/32 (XMP spec 7.1); the first bytes say which."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le")):
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace")
    stripped = data.lstrip(b" \t\r\n")
    if stripped.startswith(b"\x00<"):
        return stripped.decode("utf-16-be", errors="replace")
    if stripped.startswith(b"<\x00"):
        return stripped.decode("utf-16-le", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MetadataParseError(f"XMP packet is not valid UTF-8 ({exc.reason} at byte {exc.start})") from exc


def _array_items(prop: ET.Element) -> list[str]:
    items = [li.text or "" for li in prop.iter(f"{{{NS_RDF}}}li")]
    if not items and prop.text and prop.text.strip():
        items = [prop.text]  # a simple value where an array was expected
    return [i.strip() for i in items if i and i.strip()]


def xmp_keyword_fields(root: ET.Element) -> KeywordFields:
    """dc:subject, lr:hierarchicalSubject and digiKam:TagsList from a parsed packet."""
    found: dict[tuple[str, str], list[str]] = {XMP_SUBJECT: [], XMP_HIERARCHICAL: [], XMP_TAGSLIST: []}
    for desc in root.iter(f"{{{NS_RDF}}}Description"):
        for key, value in desc.attrib.items():  # attribute form: dc:subject="one"
            q = _qname(key)
            if q in found and value.strip():
                found[q].append(value.strip())
        for child in desc:
            q = _qname(child.tag)
            if q in found:
                found[q].extend(_array_items(child))
    return KeywordFields(
        subject=_union(tuple(found[XMP_SUBJECT]), ()),
        hierarchical=_union(tuple(found[XMP_HIERARCHICAL]), ()),
        tags_list=_union(tuple(found[XMP_TAGSLIST]), ()),
    )


def xmp_other_properties(root: ET.Element) -> Counter[tuple[str, str]]:
    """Every XMP value outside the keyword properties, as (property path, value) pairs.

    Used to prove a write changed nothing else. Attribute and element forms give the same
    pairs; the toolkit name (``x:xmptk``), which every writer stamps, is left out.
    """
    out: Counter[tuple[str, str]] = Counter()

    def walk(el: ET.Element, path: str) -> None:
        for key, value in el.attrib.items():
            q = _qname(key)
            if q[0] in (NS_RDF, NS_X) or q in KEYWORD_PROPERTIES:
                continue
            if q[0] == NS_XML:
                out[(path + "@lang", value)] += 1
                continue
            out[(f"{path}/{{{q[0]}}}{q[1]}", value.strip())] += 1
        for child in el:
            q = _qname(child.tag)
            if q in KEYWORD_PROPERTIES:
                continue
            sub = path if q[0] == NS_RDF else f"{path}/{{{q[0]}}}{q[1]}"
            text = (child.text or "").strip()
            if text:
                out[(sub, text)] += 1
            walk(child, sub)

    walk(root, "")
    return out


# -- IPTC ------------------------------------------------------------------------------------------


def decode_iptc(value: bytes, utf8: bool) -> str:
    if utf8:
        return value.decode("utf-8", errors="replace")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("cp1252", errors="replace")


def iptc_keywords(records: dict[tuple[int, int], bytes | list[bytes]] | None) -> tuple[str, ...]:
    """IPTC 2:25 Keywords from Pillow's ``getiptcinfo`` mapping, honouring 1:90 (UTF-8 marker)."""
    if not records:
        return ()
    charset = records.get((1, 90))
    utf8 = isinstance(charset, bytes) and charset.startswith(IPTC_UTF8)
    raw = records.get((2, 25))
    if raw is None:
        return ()
    values = raw if isinstance(raw, list) else [raw]
    return _union(tuple(s for s in (decode_iptc(v, utf8).strip().rstrip("\x00") for v in values) if s), ())


# -- EXIF XPKeywords (UTF-16LE, ';'-separated) -----------------------------------------------------


def xp_keywords(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, tuple | list):
        data = bytes(int(v) & 0xFF for v in value)
    elif isinstance(value, bytes):
        data = value
    elif isinstance(value, str):
        data = value.encode("utf-16-le")
    else:
        return ()
    if len(data) % 2:
        data = data[:-1]
    text = data.decode("utf-16-le", errors="replace").replace("\x00", "")
    return _union(tuple(p.strip() for p in text.split(";") if p.strip()), ())
