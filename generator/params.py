"""The ``TypedDict`` of every model a request body can hold: a plain dict body that type checkers read.

Users migrating from ``klaviyo-api`` pass request bodies as dicts. ``params/`` gives each model
reachable from a request body (and only those: the response models need none) a ``TypedDict``
named ``<Model>Param`` describing its JSON shape, so a dict literal is checked by mypy or an IDE as
the model's ``__init__`` would be. The suffix is openai-python's (``ChatCompletionMessageParam``): it
names the role (what a call takes), not the container. The runtime check of a dict body
(``_shape.py``) walks the same description, emitted as data next to each ``TypedDict`` (``SHAPE``,
below), so what type checkers accept and what a call accepts come from one source.

Shapes (JSON side, as the API sees it): a model with members is a ``TypedDict`` (optional members
``NotRequired``); a model with only additional properties is ``dict[str, ...]``; literal enums and
consts are ``Literal[...]``; a date-time or date is a ``str`` annotated with its format (checked at
run time, a plain ``str`` to type checkers); unions and lists as declared. A body holding a file (the
multipart image upload) has no ``TypedDict``: files are not JSON, that body stays a model.

One module per ``TypedDict`` (``params/<model module>.py``, loaded lazily by ``params/__init__``):
one module of them all took 0.3-0.4 s to import, and a call given a dict needs only its body's few.
A member annotation naming another ``TypedDict`` is quoted (inside ``NotRequired[...]``, which must
stay unquoted for ``__required_keys__`` to be right on Python 3.11) and its module is imported at
the end of the module, after the class exists, so recursive shapes import. Member names that are not
identifiers use the functional ``TypedDict(...)`` form.

Each module also holds ``SHAPE``, the same description as data, which the run-time check compiles
(no annotation is resolved at run time). A shape is a term: ``"str"``, ``"int"``, ``"float"``,
``"bool"``, ``"None"``, ``"Any"``, ``"date-time"``, ``"date"``; ``("literal", values)``;
``("list", term)``; ``("dict", term)`` (an object's additional members); ``("union", terms)``
(flattened and without repeats, in the annotation's order, as ``typing`` would read it);
``("ref", "<Name>Param")``, another module's shape; ``("object", ((key, required, term), ...))``.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterable
from typing import Any

import attrs

SUFFIX = "Param"
Term = str | tuple[Any, ...]


class Unrepresentable(Exception):
    """A property with no JSON-data shape (a file): its model and every model holding it get no TypedDict."""


@attrs.frozen
class ParamField:
    key: str
    annotation: str
    required: bool
    shape: Term = "Any"

    @property
    def declared(self) -> str:
        return self.annotation if self.required else f"NotRequired[{self.annotation}]"


@attrs.frozen
class ParamType:
    """One ``TypedDict`` (``fields``), or an alias (``alias``: ``dict[str, ...]``) for a member-less model."""

    name: str
    model: str
    module: str
    fields: tuple[ParamField, ...] = ()
    alias: str | None = None
    refs: frozenset[str] = frozenset()  # the other Params it names, with their modules
    formats: frozenset[str] = frozenset()  # DateTime, Date
    alias_shape: Term | None = None

    @property
    def shape(self) -> str:
        """``SHAPE``'s value, as Python source."""
        if self.alias_shape is not None:
            return repr(self.alias_shape)
        return repr(("object", tuple((f.key, f.required, f.shape) for f in self.fields)))

    @property
    def class_syntax(self) -> bool:
        return all(f.key.isidentifier() and not keyword.iskeyword(f.key) for f in self.fields)


@attrs.frozen
class ParamTable:
    types: tuple[ParamType, ...]

    def param_of(self, model: str) -> str | None:
        return next((t.name for t in self.types if t.model == model), None)

    def module_of(self, name: str) -> str:
        return next(t.module for t in self.types if t.name == name)


def _name(value: Any) -> str:
    getter = getattr(value, "get_untrusted_value", None)
    return str(getter() if getter is not None else value)


_SIMPLE: dict[str, tuple[str, Term]] = {
    "StringProperty": ("str", "str"),
    "UUIDProperty": ("str", "str"),
    "IntProperty": ("int", "int"),
    "FloatProperty": ("float", "float"),
    "BooleanProperty": ("bool", "bool"),
    "NoneProperty": ("None", "None"),
    "AnyProperty": ("Any", "Any"),
    "DateTimeProperty": ("DateTime", "date-time"),
    "DateProperty": ("Date", "date"),
}
_FORMATS = frozenset({"DateTime", "Date"})


def _union(terms: list[Term]) -> Term:
    """A union of ``terms`` as ``typing`` reads it: nested unions flattened, repeats dropped, one alone is itself."""
    flat: dict[str, Term] = {}  # by repr: ("literal", (0,)) == ("literal", (False,)), yet they differ
    for term in terms:
        for part in term[1] if isinstance(term, tuple) and term[0] == "union" else (term,):
            flat.setdefault(repr(part), part)
    parts = list(flat.values())
    return parts[0] if len(parts) == 1 else ("union", tuple(parts))


class _Builder:
    def __init__(self, models: dict[str, Any]) -> None:
        self.models = models
        self.types: dict[str, ParamType] = {}
        self.refused: set[str] = set()
        self.building: set[str] = set()

    def annotation(self, prop: Any, refs: set[str]) -> tuple[str, Term]:
        """The annotation of ``prop``'s JSON shape and its shape term; the Params it names are added to ``refs``."""
        kind = type(prop).__name__
        if kind in _SIMPLE:
            text, simple = _SIMPLE[kind]
            if text in _FORMATS:
                refs.add(text)
            return text, simple
        if kind == "LiteralEnumProperty":
            values = sorted(prop.values)
            return f"Literal[{', '.join(repr(v) for v in values)}]", ("literal", tuple(values))
        if kind == "ConstProperty":
            return f"Literal[{prop.value.raw_value!r}]", ("literal", (prop.value.raw_value,))
        if kind == "ListProperty":
            text, term = self.annotation(prop.inner_property, refs)
            return f"list[{text}]", ("list", term)
        if kind == "UnionProperty":
            parts: list[str] = []
            terms: list[Term] = []
            for inner in prop.inner_properties:
                text, term = self.annotation(inner, refs)
                if text not in parts:
                    parts.append(text)
                    terms.append(term)
            return " | ".join(parts), _union(terms)
        if kind == "ModelProperty":
            name = self.model(_name(prop.class_info.name))
            refs.add(name)
            return name, ("ref", name)
        raise Unrepresentable(kind)

    def _quoted(self, prop: Any, refs: set[str]) -> tuple[str, Term]:
        """``prop``'s annotation, quoted when it names a TypedDict (resolved after the module's class exists),
        and its shape term."""
        own: set[str] = set()
        text, term = self.annotation(prop, own)
        refs |= own
        return (f'"{text}"' if own - _FORMATS else text), term

    def _field(self, prop: Any, refs: set[str]) -> ParamField:
        text, term = self._quoted(prop, refs)
        return ParamField(_name(prop.name), text, bool(prop.required), term)

    def model(self, class_name: str) -> str:
        if class_name in self.refused:
            raise Unrepresentable(class_name)
        name = class_name + SUFFIX
        if name in self.types or name in self.building:
            return name
        model = self.models[class_name]
        module = _name(model.class_info.module_name)
        props = [*(model.required_properties or []), *(model.optional_properties or [])]
        refs: set[str] = set()
        self.building.add(name)
        try:
            fields = tuple(self._field(p, refs) for p in props)
            alias = alias_shape = None
            if not props:
                additional = model.additional_properties
                text, term = ("Any", "Any") if additional is None else self._quoted(additional, refs)
                alias, alias_shape = f"dict[str, {text}]", ("dict", term)
        except Unrepresentable:
            self.refused.add(class_name)
            raise
        finally:
            self.building.discard(name)
        self.types[name] = ParamType(
            name=name,
            model=class_name,
            module=module,
            fields=fields,
            alias=alias,
            alias_shape=alias_shape,
            refs=frozenset(refs - _FORMATS - {name}),
            formats=frozenset(refs & _FORMATS),
        )
        return name


def param_table(models: Iterable[Any], bodies: Iterable[Any]) -> ParamTable:
    """The TypedDicts for the models reachable from ``bodies`` (openapi-python-client body properties)."""
    builder = _Builder({_name(m.class_info.name): m for m in models})
    for body in bodies:
        if type(body).__name__ != "ModelProperty":
            continue
        try:
            builder.model(_name(body.class_info.name))
        except Unrepresentable:
            continue
    return ParamTable(types=tuple(sorted(builder.types.values(), key=lambda t: t.name)))
