"""YAML that remembers where things stand: a safe loader with line numbers.

``plp workflow validate`` names the line of every problem. This loader keeps the
line of each mapping key and list item, refuses duplicate keys and keys that are
not names, and turns every way YAML can fail into a problem with a line instead
of an exception. It knows nothing about workflows.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import yaml

Problem = tuple[int | None, str]


class LDict(dict):
    """A mapping with the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]


class LList(list):
    """A list with the line of each item."""

    line: int = 0
    item_lines: list[int]


class LineLoader(yaml.SafeLoader):
    """A safe loader that remembers lines and refuses duplicate keys."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.problems: list[Problem] = []

    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        result = LDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):  # every key of a workflow is a name: report, skip
                self.problems.append((line, _key_problem(key_node, key)))
                continue
            if key in result:
                self.problems.append((line, f"duplicate key '{key}' (first at line {result.key_lines[key]})"))
                continue
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = line
        return result

    def construct_sequence(self, node, deep=False):  # type: ignore[override]
        result = LList(self.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result


def _key_problem(node: yaml.Node, key: Any) -> str:
    """Why a key that is not text cannot be a name, in the words of the file."""
    if isinstance(node, yaml.ScalarNode):
        return (f"key '{node.value}' is read as {_kind_of(key)}, not as a name; "
                f"write it in quotes (\"{node.value}\") if it is one")
    return f"a key must be a name, not {_kind_of(key)}"


def _kind_of(value: Any) -> str:
    kinds = {bool: "true/false", int: "a number", float: "a number", type(None): "empty (null)",
             list: "a list", dict: "a mapping", LList: "a list", LDict: "a mapping"}
    return kinds.get(type(value), f"a {type(value).__name__} value")


LineLoader.add_constructor("tag:yaml.org,2002:map", LineLoader.construct_mapping)
LineLoader.add_constructor("tag:yaml.org,2002:seq", LineLoader.construct_sequence)


def load(text: str) -> tuple[Any, list[Problem]]:
    """The document and the problems found while reading it; the document is None when
    the text is not YAML at all. Never raises for bad text."""
    try:
        loader = LineLoader(text)
        return loader.get_single_data(), list(loader.problems)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        msg = " ".join(x for x in (e.context, e.problem) if x) or "invalid YAML"
        return None, [(line, f"invalid YAML: {msg}")]
    except yaml.reader.ReaderError as e:  # a character YAML does not allow (NUL, ...)
        line = text.count("\n", 0, e.position) + 1
        code = e.character if isinstance(e.character, int) else ord(e.character)
        return None, [(line, f"invalid YAML: character U+{code:04X} is not allowed in a YAML file")]
    except yaml.YAMLError as e:
        return None, [(None, "invalid YAML: " + " ".join(str(e).split()))]
    except RecursionError:
        return None, [(None, "invalid YAML: nested too deeply")]


def line_of(data: Any, loc: tuple[Any, ...], aliases: dict[str, str] | None = None) -> int | None:
    """The line in the file of the value at ``loc`` (keys and indexes, as pydantic gives them).

    ``aliases`` maps a field name to the key the file uses for it.
    """
    line = getattr(data, "line", None)
    node = data
    for part in loc:
        if isinstance(node, LDict):
            key = (aliases or {}).get(part, part) if isinstance(part, str) else part
            if key in node:  # else a union tag or a missing field: stay at the mapping
                line = node.key_lines.get(key, line)
                node = node[key]
        elif isinstance(node, LList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
    return line


def printable(message: str) -> str:
    """A problem message that is safe on a terminal: control characters and lone
    surrogates from the file are shown as escapes, not sent to the screen."""
    if message.isprintable():
        return message
    return "".join(repr(c)[1:-1] if unicodedata.category(c) in ("Cc", "Cs") else c for c in message)
