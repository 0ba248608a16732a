"""The timeline's domain: values, the changes a journal records, and their codec.

- Values (:class:`Event`, :class:`Actor`, :class:`Place`, :class:`Citation`,
  :class:`Relation`, :class:`LocalizedText`): frozen; change them with
  :func:`attrs.evolve`.
- Changes (:class:`EventRecorded`, :class:`EventRevised`, ...): what a journal
  record states, each with a stable ``KIND`` string and the ``stream`` it
  belongs to.
- Codec (:func:`encode`, :func:`decode`): changes to and from journal record
  payloads; :data:`REGISTRY` tells the journal which kinds exist.

Pure: nothing here reads or writes storage.
"""

from __future__ import annotations

from timeline.domain._changes import (
    EVENT_FIELDS,
    Change,
    CitationAdded,
    CitationRemoved,
    EventRecorded,
    EventRestored,
    EventRetracted,
    EventRevised,
    ReferenceAdded,
    ReferenceAmended,
    ReferenceMerged,
    event_stream,
    reference_stream,
)
from timeline.domain._codec import (
    REGISTRY,
    decode,
    decode_event,
    decode_event_field,
    decode_reference,
    encode,
    encode_event,
    encode_event_field,
    encode_reference,
)
from timeline.domain._model import (
    EVENT_KINDS,
    Actor,
    Citation,
    Event,
    LocalizedText,
    Place,
    Relation,
    RelationType,
    citation_id,
)

__all__ = [
    "Actor",
    "Change",
    "Citation",
    "CitationAdded",
    "CitationRemoved",
    "EVENT_FIELDS",
    "EVENT_KINDS",
    "Event",
    "EventRecorded",
    "EventRestored",
    "EventRetracted",
    "EventRevised",
    "LocalizedText",
    "Place",
    "REGISTRY",
    "ReferenceAdded",
    "ReferenceAmended",
    "ReferenceMerged",
    "Relation",
    "RelationType",
    "citation_id",
    "decode",
    "decode_event",
    "decode_event_field",
    "decode_reference",
    "encode",
    "encode_event",
    "encode_event_field",
    "encode_reference",
    "event_stream",
    "reference_stream",
]
