"""sockbridge_mkdocs: runnable sockbridge programs in MkDocs pages.

A Python-Markdown extension (MkDocs uses it from ``markdown_extensions``) that
turns a fenced block holding a command line into a ``<sockbridge-run>`` element
(the npm package ``sockbridge``): the reader presses Run and the program runs in
the page, its sockets going through a sockbridge relay.

    ```sockbridge-run
    http_client example.org 80 /
    ```

The first word names the program, ``GUESTS_URL/NAME.wasm``; the rest are its
arguments (``{host}`` and ``{port}`` stand for the page's own). Words after
``sockbridge-run`` on the fence line set the element's other attributes:
``src=URL`` (another program file), ``relay=wss://…``, ``rows=N``,
``blocking=jspi|asyncify``, ``ca-bundle``, ``share-relay``.

mkdocs.yml::

    markdown_extensions:
      - sockbridge_mkdocs:
          package_url: /sockbridge/          # where the package's files are served
          guests_url: /guests/               # where NAME.wasm (and NAME.asyncify.wasm) are
          relay: wss://relay.example.org/wisp/   # default: /wisp/ on the site's own origin

Serve the package's files at ``package_url`` (copy ``node_modules/sockbridge``
into ``docs/sockbridge`` without its ``node_modules`` and ``README.md``; MkDocs
copies them into the site). Both URLs are absolute paths or full URLs, since
pages sit at different depths.
"""

import html
import re
import shlex

from markdown import Extension
from markdown.preprocessors import Preprocessor

FENCE = re.compile(
    r"^(?P<fence>`{3,}|~{3,})[ \t]*sockbridge-run(?P<options>[^\n`]*)\n(?P<body>.*?)\n(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
# Attributes of <sockbridge-run> a fence line may set; the two flags take no value.
VALUED = {"src", "relay", "rows", "blocking", "ca-bundle"}
FLAGS = {"ca-bundle", "share-relay"}


class SockbridgeRunError(ValueError):
    """A sockbridge-run block that cannot become an element (the build stops, naming it)."""


def parse_options(text):
    """The fence line's words as attributes: NAME=VALUE, or a flag alone."""
    attributes = {}
    for word in shlex.split(text):
        name, has_value, value = word.partition("=")
        if has_value and name in VALUED:
            attributes[name] = value
        elif not has_value and name in FLAGS:
            attributes[name] = ""
        else:
            raise SockbridgeRunError(
                f"sockbridge-run: unknown option '{word}' (known: {', '.join(sorted(VALUED | FLAGS))})"
            )
    return attributes


def element(command, options, config):
    """The <sockbridge-run> element for one block."""
    words = command.split(None, 1)
    if len(words) == 0 or "\n" in command.strip():
        raise SockbridgeRunError(f"sockbridge-run: the block holds one command line, not {command!r}")
    program = words[0]
    if not re.fullmatch(r"[A-Za-z0-9_.+-]+", program):
        raise SockbridgeRunError(f"sockbridge-run: '{program}' is not a program name")
    attributes = {"src": f"{config['guests_url']}{program}.wasm", "args": words[1] if len(words) > 1 else ""}
    if config["relay"]:
        attributes["relay"] = config["relay"]
    attributes.update(parse_options(options))
    text = " ".join(
        name if value == "" and name in FLAGS else f'{name}="{html.escape(value, quote=True)}"'
        for name, value in attributes.items()
    )
    # In a <div>: Python-Markdown keeps block-level HTML out of paragraphs.
    return f'<div class="sockbridge-run-example"><sockbridge-run {text}></sockbridge-run></div>'


class SockbridgeRunPreprocessor(Preprocessor):
    def __init__(self, md, config):
        super().__init__(md)
        self.config = config

    def run(self, lines):
        text = "\n".join(lines)
        found = False

        def replace(match):
            nonlocal found
            found = True
            markup = element(match.group("body").strip(), match.group("options"), self.config)
            return self.md.htmlStash.store(markup)

        text = FENCE.sub(replace, text)
        if found:
            script = f'<script type="module" src="{html.escape(self.config["package_url"])}sockbridge-run.js"></script>'
            text = self.md.htmlStash.store(script) + "\n\n" + text
        return text.split("\n")


class SockbridgeRunExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "package_url": ["/sockbridge/", "URL of the npm package's files (ends with /)"],
            "guests_url": ["/guests/", "URL of the directory holding NAME.wasm (ends with /)"],
            "relay": ["", "relay WebSocket URL; empty: /wisp/ on the origin that serves the package"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        config = self.getConfigs()
        for name in ("package_url", "guests_url"):
            if not config[name].endswith("/"):
                raise SockbridgeRunError(f"sockbridge_mkdocs: {name} must end with '/': {config[name]!r}")
        # Before fenced_code (25), which would make the block a code listing.
        md.preprocessors.register(SockbridgeRunPreprocessor(md, config), "sockbridge_run", 30)


def makeExtension(**kwargs):  # noqa: N802 (the name Python-Markdown looks for)
    return SockbridgeRunExtension(**kwargs)
