"""biblatex's ``@xdata`` containers resolved, for the formats that have none.

An entry's ``xdata`` field names ``@xdata`` entries (comma-separated). biber
copies every field and name list of each into the entry, in the order named,
over the entry's own (``ids`` excepted), after resolving the container's own
``xdata``. BibTeX keeps the containers and the field, and biber resolves them
there; CSL-JSON and RIS have no containers, so their writers call
:func:`resolve_xdata`: each entry gets what biber gives it, and the containers
themselves, which no one cites, are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs

from citations.model import Reference, role_rank

__all__ = ["resolve_xdata"]

#: Fields an entry never takes from a container (biber's rule), and the link itself.
_NOT_COPIED = frozenset({"ids", "xdata"})
#: Finds a container by key, given the containers on the path to it (to stop at a loop).
_Lookup = Callable[[str, frozenset[str]], Reference | None]


def resolve_xdata(refs: Iterable[Reference]) -> tuple[Reference, ...]:
    """The references with their ``@xdata`` containers' fields copied in, as biber does.

    A key naming no ``@xdata`` entry of ``refs`` is left unresolved (biber
    warns and does the same); a container that names itself through others is
    read once. The ``@xdata`` entries are left out of the result.
    """
    refs = tuple(refs)
    containers = {ref.key: ref for ref in refs if ref.entry_type == "xdata"}
    if not containers:
        return refs
    lowered = {key.lower(): key for key in containers}
    resolved: dict[str, Reference] = {}

    def container(key: str, seen: frozenset[str]) -> Reference | None:
        name = key if key in containers else lowered.get(key.lower())
        if name is None or name in seen:
            return None
        if name not in resolved:
            resolved[name] = _resolved(containers[name], container, seen | {name})
        return resolved[name]

    return tuple(
        _resolved(ref, container, frozenset()) for ref in refs if ref.entry_type != "xdata"
    )


def _resolved(ref: Reference, container: _Lookup, seen: frozenset[str]) -> Reference:
    links = ref.get("xdata")
    if links is None:
        return ref
    fields = ref.field_map
    del fields["xdata"]
    people = list(ref.contributors)
    language = ref.language
    for key in (part.strip() for part in links.split(",")):
        source = container(key, seen) if key else None
        if source is None:
            continue
        fields.update((name, value) for name, value in source.fields if name not in _NOT_COPIED)
        roles = {person.role for person in source.contributors}
        people = [person for person in people if person.role not in roles]
        people.extend(source.contributors)
        language = source.language or language  # its langid, a field like the others
    people.sort(key=lambda person: role_rank(person.role))
    return attrs.evolve(ref, fields=fields, contributors=people, language=language)
