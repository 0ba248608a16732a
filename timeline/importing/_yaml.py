"""Events files in YAML (the only module importing PyYAML, when a YAML file is read)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from timeline.errors import ImportFailed
from timeline.importing._entries import TOO_DEEP, document_plan
from timeline.importing._plan import ImportPlan

if TYPE_CHECKING:
    import yaml


def _yaml_lines(node: yaml.Node | None) -> dict[str, list[int]]:
    """The line of each item of the top-level ``event`` and ``revision`` lists."""
    import yaml

    lines: dict[str, list[int]] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.SequenceNode):
                lines[key.value] = [item.start_mark.line + 1 for item in value.value]
    return lines


@functools.cache
def _yaml_loader() -> type[yaml.SafeLoader]:
    """YAML's safe loader, except that dates and times stay text (they are EDTF here),
    and so does an integer too long for Python to read (the field then refuses it)."""
    import yaml

    class Loader(yaml.SafeLoader):
        def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
            try:
                return super().construct_yaml_int(node)
            except ValueError:  # more digits than int() reads: the field refuses the text
                return str(self.construct_scalar(node))

        def construct_text(self, node: yaml.ScalarNode) -> str:
            return str(self.construct_scalar(node))

    timestamp = "tag:yaml.org,2002:timestamp"
    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != timestamp]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Loader.add_constructor(timestamp, Loader.construct_text)
    Loader.add_constructor("tag:yaml.org,2002:int", Loader.construct_yaml_int)
    return Loader


def yaml_plan(text: str, source: str) -> ImportPlan:
    import yaml  # imported here: most commands read no YAML, and it takes long to import

    loader: yaml.SafeLoader | None = None
    try:
        loader = _yaml_loader()(text)  # checks the characters first
        node = loader.get_single_node()
        document = loader.construct_document(node) if node is not None else None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        char = exc.character
        shown = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        raise ImportFailed(
            f"{source}: not valid YAML: line {line}: character {shown} is not allowed "
            f"({exc.reason})"
        ) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        what = "; ".join(part for part in (exc.context, exc.problem) if part)
        raise ImportFailed(f"{source}: not valid YAML: {where}{' '.join(what.split())}") from exc
    except yaml.YAMLError as exc:
        raise ImportFailed(f"{source}: not valid YAML: {' '.join(str(exc).split())}") from exc
    except RecursionError as exc:
        raise ImportFailed(f"{source}: not readable YAML: {TOO_DEEP}") from exc
    finally:
        if loader is not None:
            loader.dispose()
    return document_plan(document, source, _yaml_lines(node))
