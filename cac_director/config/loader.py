"""YAML loading that keeps a file:line for every mapping key and list element.

Values come back as ``PosDict``/``PosList`` (plain ``dict``/``list`` subclasses) so the rest of the
pipeline treats them as ordinary data while errors can still point at the line that set a value.
libyaml's composer is used when available: it keeps marks and is an order of magnitude faster than
the pure-Python parser, which matters for MSSP trees with tens of thousands of resources.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from cac_director.config.issues import IssueCollector, Mark

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Resource limits (docs/configuration.md "Limits"): far above any real configuration (the largest demo
# file is under 10 KiB and 8 levels deep), low enough that a hostile file is refused in milliseconds.
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
"""Nesting levels of mappings and lists in one document, aliases expanded."""
MAX_ALIAS_EXPANSION = 100_000
"""Values that aliases may add to one file beyond what is written in it ("billion laughs" guard)."""
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"


class PosDict(dict[str, Any]):
    """A mapping that remembers where it and each of its keys were written."""

    __slots__ = ("key_marks", "mark")

    def __init__(self, *args: Any, mark: Mark | None = None, key_marks: dict[str, Mark] | None = None) -> None:
        super().__init__(*args)
        self.mark = mark
        self.key_marks: dict[str, Mark] = key_marks if key_marks is not None else {}

    def mark_of(self, key: str) -> Mark | None:
        return self.key_marks.get(key, self.mark)


class PosList(list[Any]):
    """A list that remembers where it and each of its elements were written."""

    __slots__ = ("item_marks", "mark")

    def __init__(self, *args: Any, mark: Mark | None = None, item_marks: list[Mark | None] | None = None) -> None:
        super().__init__(*args)
        self.mark = mark
        self.item_marks: list[Mark | None] = item_marks if item_marks is not None else []

    def mark_at(self, index: int) -> Mark | None:
        if 0 <= index < len(self.item_marks) and self.item_marks[index] is not None:
            return self.item_marks[index]
        return self.mark


def mark_of(container: Any, key: str | int | None = None) -> Mark | None:
    """The best-known position of ``container[key]`` (or of the container itself)."""
    if isinstance(container, PosDict):
        return container.mark_of(key) if isinstance(key, str) else container.mark
    if isinstance(container, PosList):
        return container.mark_at(key) if isinstance(key, int) else container.mark
    return None


def display_path(path: Path) -> str:
    """How a file is named in messages: relative to the working directory when below it."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(resolved)


_SYNTAX_HINT = "check indentation, colons and quoting around this line"
_LIMIT_HINT = "write the values out instead of nesting aliases or collections (limits: docs/configuration.md)"


class _Builder:
    def __init__(self, file: str, collector: IssueCollector) -> None:
        self.file = file
        self.collector = collector
        self.marks: dict[int, Mark] = {}

    def mark(self, node: yaml.Node) -> Mark:
        line = node.start_mark.line + 1
        found = self.marks.get(line)
        if found is None:
            found = self.marks[line] = Mark(self.file, line)
        return found

    def build(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            result = PosDict(mark=self.mark(node))
            for key_node, value_node in node.value:
                key_mark = self.mark(key_node)
                if key_node.tag == _MERGE_TAG:
                    self.collector.error(
                        "unsupported-yaml",
                        "YAML merge keys (<<) are not supported",
                        mark=key_mark,
                        hint="use a template layer (extends) to share values instead",
                    )
                    continue
                key = self.build(key_node)
                if not isinstance(key, str):
                    key = str(key)
                if key in result:
                    self.collector.error(
                        "duplicate-key",
                        f"key {key!r} appears twice in the same mapping (first at line {result.key_marks[key].line})",
                        mark=key_mark,
                        hint="remove one of the two; YAML would silently keep only the last",
                    )
                    continue
                result[key] = self.build(value_node)
                result.key_marks[key] = key_mark
            return result
        if isinstance(node, yaml.SequenceNode):
            items = [self.build(child) for child in node.value]
            return PosList(items, mark=self.mark(node), item_marks=[self.mark(child) for child in node.value])
        if node.tag == _STR_TAG:
            return node.value
        constructor = _CONSTRUCTOR.yaml_constructors.get(node.tag)
        if constructor is None:
            self.collector.error(
                "unsupported-yaml",
                f"unsupported YAML tag {node.tag}",
                mark=self.mark(node),
                hint="plain YAML only: remove the !tag (quote the value if it is text)",
            )
            return node.value
        return constructor(_CONSTRUCTOR, node)


def _limit_problem(nodes: list[yaml.Node]) -> tuple[str, yaml.Node] | None:
    """Why the composed documents are too big to build (a problem and the node it concerns), or None.

    Walks the node graph once without recursion: aliases are shared nodes, so each node's expanded size
    and depth are computed once (memoized) and a node reached again while open is a recursive alias.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    written = 0
    expanded = 0
    for root in nodes:
        stack: list[tuple[yaml.Node, bool]] = [(root, False)]
        open_nodes: set[int] = set()
        while stack:
            node, done = stack.pop()
            key = id(node)
            children = _children(node)
            if done:
                open_nodes.discard(key)
                size[key] = 1 + sum(size[id(child)] for child in children)
                depth[key] = 1 + max((depth[id(child)] for child in children), default=0)
                if depth[key] > MAX_DEPTH:
                    return f"nesting is deeper than {MAX_DEPTH} levels", node
                continue
            if key in size:
                continue
            if key in open_nodes:
                return "an alias refers to a collection that contains it (recursive alias)", node
            written += 1
            open_nodes.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in size or id(child) in open_nodes)
            if len(open_nodes) > MAX_DEPTH:
                return f"nesting is deeper than {MAX_DEPTH} levels", node
        expanded += size[id(root)]
        if expanded - written > MAX_ALIAS_EXPANSION:
            return f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} values (an alias bomb?)", root
    return None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _read_text(path: Path, file: str, collector: IssueCollector) -> str | None:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            collector.error(
                "file-too-large",
                f"the file has {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                mark=Mark(file),
                hint="split it into several files of the same template (every YAML file of a template directory "
                "is read)",
            )
            return None
        data = path.read_bytes()
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        collector.error(
            "unreadable-file",
            f"byte {exc.start + 1} (0x{data[exc.start]:02x}) is not UTF-8 text",
            mark=Mark(file, line),
            hint="save the file as UTF-8 (editors: encoding / 'Save with encoding')",
        )
        return None
    except OSError as exc:
        collector.error("unreadable-file", f"cannot read file: {exc}", mark=Mark(file), hint=_UNREADABLE_HINT)
        return None


_UNREADABLE_HINT = "check the path and permissions; YAML files must be UTF-8 text"


def _compose(text: str, file: str, collector: IssueCollector) -> list[yaml.Node] | None:
    """The node graphs of every document, or None after reporting the syntax error."""
    try:
        return list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        where = exc.problem_mark or exc.context_mark
        line = where.line + 1 if where is not None else None
        problem = " ".join(part for part in (exc.context, exc.problem) if part)
        collector.error(
            "malformed-yaml",
            f"YAML syntax error: {problem or exc}",
            mark=Mark(file, line),
            hint=_SYNTAX_HINT,
        )
        return None
    except yaml.reader.ReaderError as exc:
        # Not a MarkedYAMLError: the position is a character offset.
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        collector.error(
            "malformed-yaml",
            f"YAML cannot hold character U+{exc.character:04X} here"
            if isinstance(exc.character, int)
            else f"YAML syntax error: {exc.reason}",
            mark=Mark(file, line),
            hint="remove the control character, or write it as an escape (\\a, \\x07) inside double quotes",
        )
        return None
    except yaml.YAMLError as exc:
        collector.error("malformed-yaml", f"YAML syntax error: {exc}", mark=Mark(file), hint=_SYNTAX_HINT)
        return None
    except RecursionError:
        # Only the pure-Python composer recurses; libyaml's composes any depth and _limit_problem refuses it.
        collector.error("yaml-limit", f"nesting is deeper than {MAX_DEPTH} levels", mark=Mark(file), hint=_LIMIT_HINT)
        return None


def load_yaml_file(path: Path, collector: IssueCollector) -> list[Any] | None:
    """All documents of ``path`` (empty documents dropped), or None if the file cannot be read/parsed.

    Problems become issues in ``collector`` (never exceptions) so one bad file does not hide others.
    """
    file = display_path(path)
    text = _read_text(path, file, collector)
    if text is None:
        return None
    nodes = _compose(text, file, collector)
    if nodes is None:
        return None
    builder = _Builder(file, collector)
    too_big = _limit_problem(nodes)
    if too_big is not None:
        collector.error("yaml-limit", too_big[0], mark=builder.mark(too_big[1]), hint=_LIMIT_HINT)
        return None
    docs: list[Any] = []
    for node in nodes:
        if node is None:
            continue
        try:
            docs.append(builder.build(node))
        except yaml.YAMLError as exc:
            collector.error("malformed-yaml", f"YAML value error: {exc}", mark=builder.mark(node), hint=_SYNTAX_HINT)
    return docs
