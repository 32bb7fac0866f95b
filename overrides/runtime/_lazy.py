"""Models decoded on first access: ``from_dict`` keeps the JSON object, each field is read when used.

Decoding a page of 100 profiles eagerly builds well over a thousand attrs objects and parses every
timestamp, most of which a sync job never reads. Instead ``from_dict`` checks the object's shape
(a JSON object carrying every required member), remembers it, and leaves the model's slots empty;
the first read of a field finds the slot empty, so Python calls ``__getattr__``, which decodes that
one member with the field's generated decoder and stores the result in the slot. Every later read
is a plain slot read, as fast as an eagerly built model, and the models keep their attrs
behaviour (``==``, ``repr``, ``to_dict``, ``attrs.evolve``, pickling all read through the same
path, so they see decoded values).

Two things follow, both deliberate:

* A malformed member nested below the first level surfaces when it is read, as
  ``FieldDecodeError`` (a ``ValueError``, naming the model, the member and the raw value), not when
  the response is parsed. A missing required member or a body that is not a JSON object is still
  refused at parse time.
* While a union chooses its variant (``types.strict_enums()``) a variant must prove that it fits,
  so ``from_dict`` decodes everything at once there and lets the first error disqualify it.

``from_dict`` keeps a reference to the mapping it is given rather than a copy: do not mutate it
afterwards (``json.loads`` output, which is what the client passes, is never shared).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, TypeVar

from ._exceptions import KlaviyoError
from .types import UNSET, strict_enums

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
        fields: python field name -> (JSON member name, decoder or ``None`` when the raw JSON value
            is already the field's value).
        required: the JSON members that must be present.
        additional: ``False`` when the model keeps no additional properties; ``None`` when it keeps
            them as raw JSON values; else the decoder for each of them.
    """

    __slots__ = ("additional", "fields", "known", "required")

    def __init__(
        self,
        *,
        fields: dict[str, tuple[str, Decoder | None]],
        required: tuple[str, ...],
        additional: Decoder | bool | None,
    ) -> None:
        self.fields = fields
        self.required = frozenset(required)
        self.known = frozenset(key for key, _ in fields.values())
        self.additional = additional


_TABLES: dict[type, LazyTable] = {}


def _table(cls: type[LazyModel]) -> LazyTable:
    table = _TABLES.get(cls)
    if table is None:
        # Built on first use, not at import: the decoders import the nested models' modules.
        table = _TABLES[cls] = cls._klaviyo_table_()
    return table


class LazyModel:
    """Base of every generated model: decodes a field from the kept JSON on its first read."""

    __slots__ = ("_klaviyo_raw_",)

    if TYPE_CHECKING:
        _klaviyo_raw_: Mapping[str, Any]
    else:
        # Only outside type checking: to mypy a misspelt attribute must stay an error.
        def __getattr__(self, name: str) -> Any:
            cls = type(self)
            try:
                raw = object.__getattribute__(self, "_klaviyo_raw_")
            except AttributeError:
                # Built by __init__, not from_dict: nothing to decode from.
                raise AttributeError(f"{cls.__name__!r} object has no attribute {name!r}") from None
            table = _table(cls)
            entry = table.fields.get(name)
            if entry is not None:
                key, decode = entry
                value = raw.get(key, UNSET)
                if decode is not None and value is not UNSET:
                    try:
                        value = decode(value)
                    except FieldDecodeError:
                        raise
                    except _SHAPE_ERRORS as error:
                        raise FieldDecodeError(cls.__name__, key, value) from error
            elif name == "additional_properties" and table.additional is not False:
                value = _additional(cls.__name__, table, raw)
            else:
                raise AttributeError(f"{cls.__name__!r} object has no attribute {name!r}")
            object.__setattr__(self, name, value)
            return value

    @staticmethod
    def _klaviyo_table_() -> LazyTable:
        raise NotImplementedError  # every generated model defines its own


def _additional(model: str, table: LazyTable, raw: Mapping[str, Any]) -> dict[str, Any]:
    extra = {key: value for key, value in raw.items() if key not in table.known}
    decode = table.additional
    if callable(decode):
        for key, value in extra.items():
            try:
                extra[key] = decode(value)
            except _SHAPE_ERRORS as error:
                raise FieldDecodeError(model, key, value) from error
    return extra


M = TypeVar("M", bound=LazyModel)


def lazy_from_dict(cls: type[M], src_dict: Mapping[str, Any]) -> M:
    """A ``cls`` over ``src_dict``: shape checked now, fields decoded when first read.

    Raises ``TypeError`` when ``src_dict`` is not a mapping and ``KeyError`` naming the missing
    members when a required one is absent (the errors an eager ``from_dict`` raised).
    """
    if not isinstance(src_dict, Mapping):
        raise TypeError(f"{cls.__name__} is a JSON object, got {type(src_dict).__name__}")
    table = _TABLES.get(cls) or _table(cls)
    if table.required and not src_dict.keys() >= table.required:
        missing = sorted(table.required - src_dict.keys())
        raise KeyError(f"{cls.__name__} is missing required member(s): {', '.join(missing)}")
    instance = object.__new__(cls)
    object.__setattr__(instance, "_klaviyo_raw_", src_dict)
    if strict_enums():
        # A union is choosing its variant: decode everything now so a misfit is refused now.
        names = [*table.fields, "additional_properties"] if table.additional is not False else table.fields
        for name in names:
            getattr(instance, name)
    return instance


def decode_first_level(model: LazyModel) -> None:
    """Decode every field of ``model`` now (its nested models stay lazy).

    Raises ``FieldDecodeError`` for the first member of the wrong shape.
    """
    table = _table(type(model))
    for name in table.fields:
        getattr(model, name)
