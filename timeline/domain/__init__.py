"""The timeline's domain: values, the changes a journal records, and their codec.

- Values (:class:`Event`, :class:`Actor`, :class:`Place`, :class:`Citation`,
  :class:`Relation`, :class:`LocalizedText`): frozen; change them with
  :func:`attrs.evolve`.
- Changes (:class:`EventRecorded`, :class:`EventRevised`, ...): what a journal
  record states, each with a stable ``KIND`` string and the ``stream`` it
  belongs to.
- Codec (:func:`encode`, :func:`decode`): changes to and from journal record
  payloads. :data:`CHANGE_KINDS` is the one table from kind string to change
  class to encoder and decoder (a :class:`ChangeKind` each); :data:`REGISTRY`,
  read from it, tells the journal which kinds exist. A new kind is a class in
  ``_changes`` and a row in that table.
- The transition :func:`apply`: ``apply(state, change)`` is the state of a
  stream after one more change, an :class:`EventState` (the event, its stream
  version, whether it is retracted, its citations) for an event's stream
  (:data:`EventChange`), a :class:`ReferenceState` (the reference, its version,
  the key it was merged into) for a reference's (:data:`ReferenceChange`);
  ``state`` is None for a new stream. A change that does not fit the state
  raises the domain error its command would have met. The read models,
  ``Timeline.history()`` and ``as_of`` fold changes with it, so that they
  cannot disagree on what a change means::

      state = None
      for record in journal.read_stream(event_stream(event_id)):
          state = apply(state, decode(record))
- Periods (:class:`Period`, :class:`Coverage`): a source's definition of a named
  period (labels, region, start and end as dates, citation key and locator),
  recorded, revised and retracted by :class:`PeriodDefined`, :class:`PeriodRevised`
  and :class:`PeriodRetracted` in the one stream :data:`PERIODS_STREAM`;
  :class:`PeriodBook` folds that stream (rival definitions of one label
  each keep their own id).
- Claims (:class:`Claim`, :class:`Stance`, :class:`Rank`, :class:`Conclusion`):
  the value a citation's source gives for one field of its event (``when``,
  ``place``, ``actors``, ``title``, or a user field ``_name``), recorded,
  revised, withdrawn and followed by their own changes (:class:`ClaimRecorded`,
  ...); :func:`evidence` groups an event's claims by value and
  :func:`disputed_fields` names the fields whose claims disagree
  (:func:`agree`, :func:`disagree`). The event's own fields stay the editor's
  conclusion.
- Friendly input (:func:`read_when`, :func:`read_claim`, :func:`read_text`, :func:`read_actor`,
  :func:`read_place`, :func:`read_relation`, :func:`read_citation`,
  :func:`read_event_fields`): date phrases ("early June 2019"), ``"CHN:host"``
  actor strings, place and relation mappings, ``"key@p. 104"`` citations
  turned into values, in one place for the API, events files
  and the CLI.

Pure: nothing here reads or writes storage.
"""

from __future__ import annotations

from timeline.domain._changes import (
    EVENT_FIELDS,
    PERIODS_STREAM,
    Change,
    CitationAdded,
    CitationRemoved,
    ClaimFollowed,
    ClaimRecorded,
    ClaimRevised,
    ClaimWithdrawn,
    EventChange,
    EventRecorded,
    EventRestored,
    EventRetracted,
    EventRevised,
    PeriodChange,
    PeriodDefined,
    PeriodRetracted,
    PeriodRevised,
    ReferenceAdded,
    ReferenceAmended,
    ReferenceChange,
    ReferenceMerged,
    event_stream,
    reference_stream,
)
from timeline.domain._claims import (
    CLAIM_FIELDS,
    Claim,
    Conclusion,
    Rank,
    Stance,
    check_field,
    claim_id,
    field_label,
    is_user_field,
)
from timeline.domain._codec import (
    CHANGE_KINDS,
    REGISTRY,
    ChangeKind,
    decode,
    decode_citation,
    decode_claim,
    decode_event,
    decode_event_field,
    decode_period,
    decode_reference,
    encode,
    encode_claim,
    encode_event,
    encode_event_field,
    encode_period,
    encode_recorded,
    encode_reference,
    event_fields_reader,
)
from timeline.domain._evidence import (
    Evidence,
    agree,
    claimed_text,
    concluded,
    disagree,
    disputed_fields,
    evidence,
    same,
)
from timeline.domain._input import (
    CALENDARS,
    read_actor,
    read_citation,
    read_claim,
    read_event_fields,
    read_place,
    read_relation,
    read_text,
    read_when,
)
from timeline.domain._model import (
    EVENT_CATEGORIES,
    UNDATED,
    Actor,
    Citation,
    Event,
    LocalizedText,
    Place,
    Relation,
    RelationType,
    citation_id,
)
from timeline.domain._period_book import PeriodBook
from timeline.domain._periods import Coverage, Period, PeriodState, label_key
from timeline.domain._states import EventState, ReferenceState, apply, order_claims

__all__ = [
    "UNDATED",
    "Actor",
    "CALENDARS",
    "CHANGE_KINDS",
    "CLAIM_FIELDS",
    "Change",
    "ChangeKind",
    "Citation",
    "CitationAdded",
    "CitationRemoved",
    "Claim",
    "ClaimFollowed",
    "ClaimRecorded",
    "ClaimRevised",
    "ClaimWithdrawn",
    "Conclusion",
    "Coverage",
    "EVENT_CATEGORIES",
    "EVENT_FIELDS",
    "Event",
    "EventChange",
    "EventRecorded",
    "EventRestored",
    "EventRetracted",
    "EventRevised",
    "EventState",
    "Evidence",
    "LocalizedText",
    "PERIODS_STREAM",
    "Period",
    "PeriodBook",
    "PeriodChange",
    "PeriodDefined",
    "PeriodRetracted",
    "PeriodRevised",
    "PeriodState",
    "Place",
    "REGISTRY",
    "Rank",
    "ReferenceAdded",
    "ReferenceAmended",
    "ReferenceChange",
    "ReferenceMerged",
    "ReferenceState",
    "Relation",
    "RelationType",
    "Stance",
    "agree",
    "apply",
    "check_field",
    "citation_id",
    "claim_id",
    "claimed_text",
    "concluded",
    "decode",
    "decode_citation",
    "decode_claim",
    "decode_event",
    "decode_event_field",
    "decode_period",
    "decode_reference",
    "disagree",
    "disputed_fields",
    "encode",
    "encode_claim",
    "encode_event",
    "encode_event_field",
    "encode_period",
    "encode_recorded",
    "encode_reference",
    "event_fields_reader",
    "event_stream",
    "evidence",
    "field_label",
    "is_user_field",
    "label_key",
    "order_claims",
    "read_actor",
    "read_citation",
    "read_claim",
    "read_event_fields",
    "read_place",
    "read_relation",
    "read_text",
    "read_when",
    "reference_stream",
    "same",
]
