"""An independent look at rendered HTML: parsed by html5lib (the HTML5 algorithm browsers follow,
not the code under test), listing everything that could run script, fetch or navigate."""

from __future__ import annotations

import re

import html5lib

ACTIVE_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "button",
               "link", "meta", "svg", "math", "noscript", "template", "textarea", "xmp", "noembed", "style",
               "video", "audio", "source", "marquee", "details", "body", "input"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "background", "poster"}
SAFE_URL = re.compile(r"(https?:|mailto:|#|data:image/(png|jpeg|gif);base64,)", re.I)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def _local(name: str) -> str:
    return name.split("}", 1)[-1].lower()


def _attrs(element) -> dict[str, str]:
    out = {}
    for key, value in element.attrib.items():
        name = key if isinstance(key, str) else key[1]
        out[_local(name) if not name.startswith("{http://www.w3.org/1999/xlink}") else "xlink:href"] = value
    return out


def dangers(document: str, fragment: bool = False) -> list[str]:
    """What in `document` could run script or load something: active elements, on* attributes, URLs
    outside http(s)/mailto/#/raster data:, CSS that fetches. Compare a page with its own template's
    baseline: a template's own <script> or <meta> is listed too."""
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    tree = parser.parseFragment(document) if fragment else parser.parse(document)
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # a comment
        tag = _local(element.tag)
        attrs = _attrs(element)
        if tag in ACTIVE_TAGS:
            keep = {k: v for k, v in attrs.items() if k in ("src", "href", "http-equiv", "rel", "type")}
            found.append(f"<{tag} {sorted(keep.items())}>" if tag != "style" else f"<style {len(element.text or '')}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"{name} on <{tag}>")
            elif name in URL_ATTRS:
                url = _CONTROL.sub("", value)
                if url and not SAFE_URL.match(url):
                    found.append(f"{name}={value[:60]!r} on <{tag}>")
            elif name == "style" and re.search(r"url\(|expression|@import", value, re.I):
                found.append(f"style={value[:60]!r} on <{tag}>")
    return [re.sub(r"[0-9a-f]{32}", "<id>", item) for item in found]  # page-specific ids (formgrader links)


def text_of(document: str) -> str:
    """The text a reader sees (all text nodes, scripts and styles left out)."""
    tree = html5lib.HTMLParser(namespaceHTMLElements=False).parse(document)
    parts = []
    for element in tree.iter():
        if isinstance(element.tag, str) and _local(element.tag) not in ("script", "style"):
            parts.append(element.text or "")
        parts.append(element.tail or "")
    return "".join(parts)


def _tree(document: str):
    return html5lib.HTMLParser(namespaceHTMLElements=False).parse(document)


def image_sources(document: str) -> list[str]:
    """The src of every <img> a browser would build."""
    return [img.get("src", "") for img in _tree(document).iter("img")]


def content_security_policy(document: str) -> str | None:
    """The policy of a `<meta http-equiv=Content-Security-Policy>` inside <head> (elsewhere it is ignored)."""
    head = _tree(document).find("head")
    for meta in head.iter("meta") if head is not None else []:
        if meta.get("http-equiv", "").lower() == "content-security-policy":
            return meta.get("content")
    return None
