# Copied from overrides/runtime/_lazy.py by `python -m generator sync`; edit that file, not this one.
"""Models decoded on first access: ``from_dict`` keeps the JSON object, nested fields decode when read.

Decoding a page of 100 profiles eagerly builds well over a thousand attrs objects and parses every
timestamp, most of which a sync job never reads. Instead the generated ``from_dict`` checks the
object's shape (a JSON object), remembers it, copies the members that need no decoding (strings,
numbers, booleans, plain dicts) straight into the instance, and leaves the others (nested models,
lists of them, timestamps, enums, unions) out. For each of those the class carries a non-data
descriptor (``_LazyField``, installed the first time the class decodes anything): the first read
finds no instance attribute, so Python asks the descriptor, which decodes that one member with the
field's generated decoder and stores the result on the instance. From then on the instance
attribute shadows the descriptor, so every later read is a plain attribute read, as fast as on an
eagerly built model. Models are attrs classes with a ``__dict__`` (not slotted) for exactly this; a
``__getattr__`` fallback would have slowed every attribute read of every model (measured:
``to_dict`` of a profile took twice as long). The models keep their attrs behaviour (``==``,
``repr``, ``to_dict``, ``attrs.evolve``, pickling read through the same path and see decoded values).
attrs itself runs on a model when it is first used rather than at import (``define_later``): importing
every model was mostly attrs compiling code for classes a program never touches.

One rule for answers that drift from the pinned revision (the API adds and omits members between
revisions, and one missing member must not cost the whole call):

* A **missing required member** does not fail the document: reading it raises ``MissingFieldError``
  (a ``FieldDecodeError`` and an ``AttributeError``, so ``getattr(model, name, default)`` and
  ``hasattr`` work), naming the model and the member. ``to_dict()`` leaves it out, ``repr`` shows it
  as ``<missing>``. Required members that need no decoding get a descriptor too, for this alone.
* A **present member of the wrong shape** raises ``FieldDecodeError`` (a ``ValueError``, naming the
  model, the member and the raw value) when it is read, whether it is nullable or not.
* The response **document itself** is checked before the call returns (``complete_document``,
  ``decode_first_level``): a body that is not a JSON object, or whose own members (``data``,
  ``links``, ``included``) are missing when required or of the wrong shape, fails the call; below
  them the two rules above hold.
* **Unknown members and enum values are kept** (``additional_properties``; the raw string).

While a union chooses its variant (``types.parse_union``) a variant must prove that it fits: in the
strict pass (``types.strict_enums()``) ``from_dict`` decodes everything at once and lets the first
error disqualify it, and in both passes a missing required member disqualifies it (otherwise the
first variant would win every union). JSON:API resources are chosen by their ``type`` member before
that, without trying anything.

``from_dict`` keeps a reference to the mapping it is given rather than a copy: do not mutate it
afterwards (``json.loads`` output, which is what the client passes, is never shared).
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from ._exceptions import FieldDecodeError, MissingFieldError
from ._unions import CHOOSING, STRICT_ENUMS
from ._unset import UNSET

__all__ = [
    "AdditionalProperties",
    "FieldDecodeError",
    "LazyModel",
    "LazyTable",
    "MissingFieldError",
    "complete_document",
    "copy_present",
    "decode_first_level",
    "define_later",
    "lazy_from_dict",
    "partial_to_dict",
]

Decoder = Callable[[Any], Any]

# The errors a generated decoder raises on a value of the wrong shape.
_SHAPE_ERRORS: Final = (TypeError, ValueError, KeyError, AttributeError)


class LazyTable:
    """How one model decodes: its fields' JSON names and decoders, and what it requires.

    Attributes:
        fields: the fields decoded on first read: python name -> (JSON member name, decoder).
        copied: the other fields, which ``from_dict`` copies from the JSON itself: python name -> JSON
            member name.
        known: the JSON member names of every field (the rest are additional properties).
        required: the JSON members that must be present.
        additional: ``False`` when the model keeps no additional properties; ``None`` when it keeps
            them as raw JSON values; else the decoder for each of them.
    """

    __slots__ = ("additional", "copied", "fields", "known", "required")

    def __init__(
        self,
        *,
        fields: dict[str, tuple[str, Decoder]],
        copied: dict[str, str] | None = None,
        known: tuple[str, ...],
        required: tuple[str, ...],
        additional: Decoder | bool | None,
    ) -> None:
        self.fields = fields
        self.copied = copied or {}
        self.known = frozenset(known)
        self.required = frozenset(required)
        self.additional = additional


_TABLES: dict[type, LazyTable] = {}


def _table(cls: type[LazyModel]) -> LazyTable:
    table = _TABLES.get(cls)
    if table is None:
        # Built on first use, not at import: the decoders import the nested models' modules. Only an
        # instance made by from_dict can lack a field, and from_dict builds the table first, so the
        # descriptors are in place before any such instance exists. attrs goes first: it deletes the
        # class attributes named after fields, which the descriptors below are.
        _make_attrs_class(cls)
        table = cls._klaviyo_table_()
        for name, (key, decode) in table.fields.items():
            setattr(cls, name, _LazyField(cls.__name__, name, key, decode, required=key in table.required))
        for name, key in table.copied.items():
            if key in table.required:
                # Only read when from_dict found the member missing: a present one shadows it.
                setattr(cls, name, _LazyField(cls.__name__, name, key, _as_is, required=True))
        if table.additional is not False:
            cls.additional_properties = _LazyAdditional(cls.__name__, table)  # type: ignore[attr-defined]
        _TABLES[cls] = table
    return table


def _raw_of(instance: LazyModel, name: str) -> Mapping[str, Any]:
    raw: Mapping[str, Any] | None = getattr(instance, "_klaviyo_raw_", None)
    if raw is None:
        # Built by __init__ and the attribute deleted since: nothing to decode from.
        raise AttributeError(f"{type(instance).__name__!r} object has no attribute {name!r}")
    return raw


class _LazyField:
    """Decodes one field of a ``from_dict`` instance on its first read and stores it on the instance.

    A non-data descriptor: once the instance has the attribute, Python reads it without asking here.
    It holds the member's name and decoder itself, so a first read costs one call and one lookup.
    """

    __slots__ = ("decode", "key", "model", "name", "required")

    def __init__(self, model: str, name: str, key: str, decode: Decoder, *, required: bool) -> None:
        self.model, self.name, self.key, self.decode, self.required = model, name, key, decode, required

    def __get__(self, instance: LazyModel | None, owner: type | None = None) -> Any:
        # The first read of every decoded field runs this: _raw_of and _decoded are inlined (a call
        # each was a fifth of a first read).
        if instance is None:
            return self
        try:
            raw = instance._klaviyo_raw_
        except AttributeError:
            # Built by __init__ and the attribute deleted since: nothing to decode from.
            raise AttributeError(f"{type(instance).__name__!r} object has no attribute {self.name!r}") from None
        value = raw.get(self.key, UNSET)
        if value is not UNSET:
            try:
                value = self.decode(value)
            except FieldDecodeError:
                raise
            except _SHAPE_ERRORS as error:
                raise FieldDecodeError(self.model, self.key, value) from error
        elif self.required:
            raise MissingFieldError(self.model, self.key, self.name)
        # The descriptor has no __set__, so the value lands on the instance and shadows it.
        setattr(instance, self.name, value)
        return value


class _LazyAdditional:
    """``additional_properties`` of a ``from_dict`` instance: the members no field claims, on first read."""

    __slots__ = ("model", "table")

    def __init__(self, model: str, table: LazyTable) -> None:
        self.model, self.table = model, table

    def __get__(self, instance: LazyModel | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = _additional(self.model, self.table, _raw_of(instance, "additional_properties"))
        instance.additional_properties = value  # type: ignore[attr-defined]
        return value


def _as_is(value: Any) -> Any:
    return value


def _field_names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(field.name for field in cls.__attrs_attrs__)  # type: ignore[attr-defined]
    return names


_NAMES: dict[type, tuple[str, ...]] = {}


class _Missing:
    """Stands for a member the API left out, where a model shows or compares all of its fields."""

    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Final = _Missing()


# Classes made by ``define_later`` that attrs has not processed yet, with their ``attrs.define`` options.
_PENDING: dict[type, dict[str, Any]] = {}
_ATTRS_LOCK: Final = threading.RLock()

if TYPE_CHECKING:
    # Type checkers (and mypy's attrs plugin) see the models as the attrs classes they become.
    from attrs import define as define_later
else:

    def define_later(**options: Any) -> Callable[[type], type]:
        """``attrs.define(**options)``, applied to the class on first use instead of at import.

        attrs compiles an ``__attrs_init__`` and builds an attribute tuple class for every class it
        defines: for the thousands of generated models that was over a third of importing all of them
        (and a few MB), for classes a program mostly never decodes or introspects. The class is
        registered here; LazyModel's ``_AttrsLater`` descriptors run attrs on the first read of any name
        attrs adds (``attrs.fields``, ``attrs.has``, ``attrs.evolve``, ``match``), and ``from_dict``
        runs it before its first decode.
        """

        def register(cls: type) -> type:
            _PENDING[cls] = options
            return cls

        return register


def _make_attrs_class(cls: type) -> None:
    """Run attrs on ``cls`` and its bases that ``define_later`` registered, once each (thread-safe)."""
    for klass in cls.__mro__:
        if klass in _PENDING:
            with _ATTRS_LOCK:
                options = _PENDING.get(klass)
                if options is not None:
                    # Deleted only once attrs is done, so a thread arriving meanwhile waits on the lock.
                    attrs.define(**options)(klass)
                    del _PENDING[klass]


class _AttrsLater:
    """A name attrs adds to a class (``__attrs_attrs__``, ``__match_args__``, ...), standing in until a
    ``define_later`` class meets attrs: the first read runs attrs, whose value then shadows this one."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        cls = owner if owner is not None else type(instance)
        _make_attrs_class(cls)
        for klass in cls.__mro__:
            if self.name in klass.__dict__:
                if klass.__dict__[self.name] is self:
                    break  # not an attrs class (LazyModel itself), or attrs does not add this name
                return getattr(cls if instance is None else instance, self.name)
        raise AttributeError(f"type object {cls.__name__!r} has no attribute {self.name!r}")


class LazyModel:
    """Base of every generated model: fields left out by ``from_dict`` decode on their first read.

    ``__repr__`` and ``__eq__`` are defined here once, as attrs would generate them for each model
    (every field, ``additional_properties`` included, in declaration order), because generating
    them per class at import time was most of the cost of importing the models.
    """

    if TYPE_CHECKING:
        _klaviyo_raw_: Mapping[str, Any]

    # The request id of the response a call returned this model from (set on the instance by the
    # client, as openai-python's ``_request_id``); ``None`` for a model built any other way. Not a
    # field: ==, repr, to_dict and attrs.evolve ignore it; a pickle keeps it. Underscored so no
    # spec member named ``request_id`` can ever collide with it.
    _request_id: str | None = None

    if not TYPE_CHECKING:
        # What attrs adds to each model, made on first use (see define_later).
        __attrs_attrs__ = _AttrsLater("__attrs_attrs__")
        __attrs_init__ = _AttrsLater("__attrs_init__")
        __attrs_props__ = _AttrsLater("__attrs_props__")
        __match_args__ = _AttrsLater("__match_args__")

    def __repr__(self) -> str:
        cls = type(self)
        shown = ", ".join(f"{name}={getattr(self, name, _MISSING)!r}" for name in _field_names(cls))
        return f"{cls.__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name, _MISSING) == getattr(other, name, _MISSING) for name in _field_names(type(self)))

    __hash__ = None  # type: ignore[assignment]  # mutable and compared by value, as attrs makes it

    def to_dict(self) -> dict[str, Any]:
        """The model as JSON-ready data."""
        raise NotImplementedError  # every generated model defines its own

    @staticmethod
    def _klaviyo_table_() -> LazyTable:
        raise NotImplementedError  # every generated model defines its own


class AdditionalProperties:
    """The mapping side of a model that keeps additional properties (members no field claims).

    Defined once here rather than in each of the thousands of generated models that keep them as
    plain JSON values: five functions per model were a few MB of an import of every model.
    """

    if TYPE_CHECKING:
        additional_properties: dict[str, Any]

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


def _additional(model: str, table: LazyTable, raw: Mapping[str, Any]) -> dict[str, Any]:
    extra = {key: value for key, value in raw.items() if key not in table.known}
    decode = table.additional
    if callable(decode):
        for key, value in extra.items():
            extra[key] = _decoded(decode, value, model, key)
    return extra


def _decoded(decode: Decoder, value: Any, model: str, key: str) -> Any:
    """``decode(value)``; a value of the wrong shape becomes ``FieldDecodeError`` naming ``model.key``
    (one raised deeper down, by a nested model's field, passes through as it is)."""
    try:
        return decode(value)
    except FieldDecodeError:
        raise
    except _SHAPE_ERRORS as error:
        raise FieldDecodeError(model, key, value) from error


M = TypeVar("M", bound=LazyModel)


def lazy_from_dict(cls: type[M], src_dict: Mapping[str, Any]) -> M:
    """A ``cls`` over ``src_dict``: shape checked now, decoded fields left for their first read.

    The generated ``from_dict`` calls this, then copies the members that need no decoding.

    Raises ``TypeError`` when ``src_dict`` is not a mapping. A required member missing is left for
    its read to report (``MissingFieldError``), except while a union chooses its variant: there it
    raises ``KeyError`` naming the missing members, ruling the variant out.
    """
    if type(src_dict) is not dict and not isinstance(src_dict, Mapping):
        raise TypeError(f"{cls.__name__} is a JSON object, got {type(src_dict).__name__}")
    table = _TABLES.get(cls) or _table(cls)
    instance = object.__new__(cls)
    instance._klaviyo_raw_ = src_dict
    if STRICT_ENUMS.get() or CHOOSING.get():
        # Only while a union chooses its variant (rare), so the common path pays two lookups.
        if table.required and not src_dict.keys() >= table.required:
            missing = sorted(table.required - src_dict.keys())
            raise KeyError(f"{cls.__name__} is missing required member(s): {', '.join(missing)}")
        if STRICT_ENUMS.get():
            # A union is choosing its variant: decode everything now so a misfit is refused now.
            names = [*table.fields, "additional_properties"] if table.additional is not False else table.fields
            for name in names:
                getattr(instance, name)
    return instance


def copy_present(instance: LazyModel, src_dict: Mapping[str, Any]) -> None:
    """Copy the plain members ``src_dict`` has onto ``instance``: a generated ``from_dict`` found a
    required one missing, which stays unset so that reading it raises ``MissingFieldError``."""
    for name, key in _table(type(instance)).copied.items():
        if key in src_dict:
            setattr(instance, name, src_dict[key])


def partial_to_dict(model: LazyModel) -> dict[str, Any]:
    """``to_dict`` of a model the API left a required member out of: every member it has.

    The generated ``to_dict`` hands over to this when it meets a ``MissingFieldError``, so the common
    path stays straight-line. Values are encoded as the generated code does for response models
    (models by their ``to_dict``, timestamps and dates in ISO 8601, lists and dicts item by item).
    """
    table = _table(type(model))
    extra = getattr(model, "additional_properties", None)
    result = {key: _encoded(value) for key, value in extra.items()} if extra else {}
    names = {**table.copied, **{name: key for name, (key, _) in table.fields.items()}}
    for name in _field_names(type(model)):
        key = names.get(name)
        value = getattr(model, name, UNSET)
        if key is not None and value is not UNSET:
            result[key] = _encoded(value)
    return result


def _encoded(value: Any) -> Any:
    if isinstance(value, LazyModel):
        return value.to_dict()
    if isinstance(value, list):
        return [_encoded(item) for item in value]
    if isinstance(value, dict):
        return {key: _encoded(item) for key, item in value.items()}
    if isinstance(value, datetime.date):  # datetime.datetime included
        return value.isoformat()
    return value


def complete_document(document: M) -> M:
    """``document`` (a response document from ``from_dict``), after checking that it has its required
    members: a document without its ``data`` is no answer of the operation (a proxy's page, another
    endpoint's JSON), while the members inside it may drift.

    Raises ``MissingFieldError`` naming the first missing member.
    """
    raw: Mapping[str, Any] | None = getattr(document, "_klaviyo_raw_", None)
    table = _table(type(document))
    if raw is not None and table.required and not raw.keys() >= table.required:
        missing = min(table.required - raw.keys())
        names = {**table.copied, **{name: key for name, (key, _) in table.fields.items()}}
        name = next(name for name, key in names.items() if key == missing)
        raise MissingFieldError(type(document).__name__, missing, name)
    return document


def decode_first_level(model: LazyModel) -> None:
    """Decode every field of ``model`` now (the models they hold stay lazy).

    Raises ``FieldDecodeError`` for the first member of the wrong shape.
    """
    table = _table(type(model))
    for name in table.fields:
        getattr(model, name)
