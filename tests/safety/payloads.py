"""Script and event-handler payloads a hostile student may put in an answer. Each one, if it ran,
would set `window.__pwned` or the page title, or open a dialog; `VISIBLE` is text each leaves on screen."""

from __future__ import annotations

PAYLOADS = {
    "script": "<script>window.__pwned = 'script'; document.title = 'PWNED'</script>",
    "onerror": '<img src=x onerror="window.__pwned=\'onerror\'; alert(1)">',
    "javascript-link": "[click me](javascript:window.__pwned='link')",
    "entity-link": "[click too](java&#115;cript:window.__pwned='entity')",
    "svg": '<svg onload="window.__pwned=\'svg\'"><circle r="4"/></svg>',
    "iframe": '<iframe src="javascript:parent.__pwned=\'iframe\'"></iframe>',
    "details": '<details open ontoggle="window.__pwned=\'toggle\'">x</details>',
    "reference": "[ref link][r]\n\n[r]: javascript:window.__pwned='ref'",
}
VISIBLE = {
    "script": "<script>window.__pwned = 'script'",
    "onerror": '<img src=x onerror="window.__pwned=',
    "javascript-link": "(javascript:window.__pwned='link')",
    "entity-link": "[click too]",
    "svg": '<svg onload="window.__pwned=',
    "iframe": '<iframe src="javascript:parent.__pwned=',
    "details": "ontoggle=",
    "reference": "[ref link]",
}
ANSWER = "My answer: the two phases.\n\n" + "\n\n".join(PAYLOADS.values())
# Outputs a student may plant in a code cell they add (autograde of an essay assignment runs nothing).
HTML_OUTPUT = {"output_type": "display_data", "metadata": {},
               "data": {"text/html": "<img src=x onerror=\"window.__pwned='output'\"><b>raw output</b>",
                        "application/javascript": "window.__pwned = 'js-output'",
                        "image/svg+xml": "<svg onload=\"window.__pwned='svg-output'\"></svg>",
                        "text/plain": "<IPython.core.display.HTML object>"}}
