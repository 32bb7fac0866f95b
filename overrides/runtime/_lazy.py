"""Models decoded on first access: ``from_dict`` keeps the JSON object, nested fields decode when read.

Decoding a page of 100 profiles eagerly builds well over a thousand attrs objects and parses every
timestamp, most of which a sync job never reads. Instead the generated ``from_dict`` checks the
object's shape (a JSON object carrying every required member), remembers it, copies the members
that need no decoding (strings, numbers, booleans, plain dicts) straight into the instance, and
leaves the others (nested models, lists of them, timestamps, enums, unions) out. For each of those
the class carries a non-data descriptor (``_LazyField``, installed the first time the class decodes
anything): the first read finds no instance attribute, so Python asks the descriptor, which decodes
that one member with the field's generated decoder and stores the result on the instance. From then
on the instance attribute shadows the descriptor, so every later read is a plain attribute read,
as fast as on an eagerly built model. Models are attrs classes with a ``__dict__`` (not slotted)
for exactly this; a ``__getattr__`` fallback would have slowed every attribute read of every model
(measured: ``to_dict`` of a profile took twice as long). The models keep their attrs behaviour
(``==``, ``repr``, ``to_dict``, ``attrs.evolve``, pickling read through the same path and see
decoded values).

Two things follow, both deliberate:

* A malformed member nested below the first level surfaces when it is read, as
  ``FieldDecodeError`` (a ``ValueError``, naming the model, the member and the raw value), not when
  the response is parsed. A missing required member or a body that is not a JSON object is still
  refused at parse time, and the client decodes a response document's own members before returning.
* While a union chooses its variant (``types.strict_enums()``) a variant must prove that it fits,
  so ``from_dict`` decodes everything at once there and lets the first error disqualify it.

``from_dict`` keeps a reference to the mapping it is given rather than a copy: do not mutate it
afterwards (``json.loads`` output, which is what the client passes, is never shared).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, TypeVar

from ._base_error import KlaviyoError
from .types import _STRICT_ENUMS, UNSET

__all__ = ["FieldDecodeError", "LazyModel", "LazyTable", "decode_first_level", "lazy_from_dict"]

Decoder = Callable[[Any], Any]

# The errors a generated decoder raises on a value of the wrong shape.
_SHAPE_ERRORS: Final = (TypeError, ValueError, KeyError, AttributeError)
_EXCERPT = 200


class FieldDecodeError(KlaviyoError, ValueError):
    """A member of a response could not be read as the API documents it; ``raw`` keeps its value.

    Raised on first access to the field, because nested members are decoded lazily. It is a
    ``ValueError`` so that a union trying its variants treats it as "this variant does not fit".
    """

    def __init__(self, model: str, member: str, raw: object) -> None:
        text = repr(raw)
        excerpt = text if len(text) <= _EXCERPT else text[:_EXCERPT] + "..."
        super().__init__(f"{model}.{member} is not the documented shape: {excerpt}")
        self.model = model
        self.member = member
        self.raw = raw


class LazyTable:
    """How one model decodes: its fields' JSON names and decoders, and what it requires.

    Attributes:
        fields: the fields decoded on first read: python name -> (JSON member name, decoder). The
            other fields are copied from the JSON by ``from_dict`` itself.
        known: the JSON member names of every field (the rest are additional properties).
        required: the JSON members that must be present.
        additional: ``False`` when the model keeps no additional properties; ``None`` when it keeps
            them as raw JSON values; else the decoder for each of them.
    """

    __slots__ = ("additional", "fields", "known", "required")

    def __init__(
        self,
        *,
        fields: dict[str, tuple[str, Decoder]],
        known: tuple[str, ...],
        required: tuple[str, ...],
        additional: Decoder | bool | None,
    ) -> None:
        self.fields = fields
        self.known = frozenset(known)
        self.required = frozenset(required)
        self.additional = additional


_TABLES: dict[type, LazyTable] = {}


def _table(cls: type[LazyModel]) -> LazyTable:
    table = _TABLES.get(cls)
    if table is None:
        # Built on first use, not at import: the decoders import the nested models' modules. Only an
        # instance made by from_dict can lack a field, and from_dict builds the table first, so the
        # descriptors are in place before any such instance exists.
        table = cls._klaviyo_table_()
        for name, (key, decode) in table.fields.items():
            setattr(cls, name, _LazyField(cls.__name__, name, key, decode))
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

    __slots__ = ("decode", "key", "model", "name")

    def __init__(self, model: str, name: str, key: str, decode: Decoder) -> None:
        self.model, self.name, self.key, self.decode = model, name, key, decode

    def __get__(self, instance: LazyModel | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = _raw_of(instance, self.name).get(self.key, UNSET)
        if value is not UNSET:
            value = _decoded(self.decode, value, self.model, self.key)
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


def _field_names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(field.name for field in cls.__attrs_attrs__)  # type: ignore[attr-defined]
    return names


_NAMES: dict[type, tuple[str, ...]] = {}


class LazyModel:
    """Base of every generated model: fields left out by ``from_dict`` decode on their first read.

    ``__repr__`` and ``__eq__`` are defined here once, as attrs would generate them for each model
    (every field, ``additional_properties`` included, in declaration order), because generating
    them per class at import time was most of the cost of importing the models.
    """

    if TYPE_CHECKING:
        _klaviyo_raw_: Mapping[str, Any]

    def __repr__(self) -> str:
        cls = type(self)
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _field_names(cls))
        return f"{cls.__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _field_names(type(self)))

    __hash__ = None  # type: ignore[assignment]  # mutable and compared by value, as attrs makes it

    def to_dict(self) -> dict[str, Any]:
        """The model as JSON-ready data."""
        raise NotImplementedError  # every generated model defines its own

    @staticmethod
    def _klaviyo_table_() -> LazyTable:
        raise NotImplementedError  # every generated model defines its own


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

    Raises ``TypeError`` when ``src_dict`` is not a mapping and ``KeyError`` naming the missing
    members when a required one is absent (the errors an eager ``from_dict`` raised).
    """
    if type(src_dict) is not dict and not isinstance(src_dict, Mapping):
        raise TypeError(f"{cls.__name__} is a JSON object, got {type(src_dict).__name__}")
    table = _TABLES.get(cls) or _table(cls)
    if table.required and not src_dict.keys() >= table.required:
        missing = sorted(table.required - src_dict.keys())
        raise KeyError(f"{cls.__name__} is missing required member(s): {', '.join(missing)}")
    instance = object.__new__(cls)
    instance._klaviyo_raw_ = src_dict
    if _STRICT_ENUMS.get():
        # A union is choosing its variant: decode everything now so a misfit is refused now.
        names = [*table.fields, "additional_properties"] if table.additional is not False else table.fields
        for name in names:
            getattr(instance, name)
    return instance


def decode_first_level(model: LazyModel) -> None:
    """Decode every field of ``model`` now (the models they hold stay lazy).

    Raises ``FieldDecodeError`` for the first member of the wrong shape.
    """
    table = _table(type(model))
    for name in table.fields:
        getattr(model, name)
