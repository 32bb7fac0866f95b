"""Models become attrs classes on first use, not at import (``define_later`` in ``_lazy.py``)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections.abc import Mapping
from typing import Any, Self

import attrs
import pytest

from klaviyo_generated._lazy import _PENDING, LazyModel, LazyTable, define_later, lazy_from_dict
from klaviyo_generated.types import UNSET, Unset


def make_class() -> type[Any]:
    """A fresh hand-made model as the template writes them (each test needs one attrs has not seen)."""

    @define_later(slots=False, init=False, repr=False, eq=False)
    class Note(LazyModel):
        text: str
        stamp: str | Unset = UNSET
        additional_properties: dict[str, Any] = attrs.field(init=False, factory=dict)

        def __init__(self, text: str, stamp: str | Unset = UNSET) -> None:
            self.text = text
            self.stamp = stamp
            self.additional_properties = {}

        @classmethod
        def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
            instance = lazy_from_dict(cls, src_dict)
            instance.text = src_dict["text"]
            return instance

        @staticmethod
        def _klaviyo_table_() -> LazyTable:
            return LazyTable(
                fields={"stamp": ("stamp", str.upper)},
                copied={"text": "text"},
                known=("text", "stamp"),
                required=("text",),
                additional=None,
            )

    return Note


def test_a_registered_class_is_left_alone_until_first_use() -> None:
    note = make_class()
    assert note in _PENDING
    assert "__attrs_attrs__" not in vars(note)
    assert vars(note)["stamp"] is UNSET  # attrs has not collected the default yet
    built = note("hello")
    assert (built.text, built.stamp, built.additional_properties) == ("hello", UNSET, {})
    assert note in _PENDING  # building and reading an instance does not need attrs


@pytest.mark.parametrize(
    "first_use",
    [
        pytest.param(attrs.has, id="attrs.has"),
        pytest.param(attrs.fields, id="attrs.fields"),
        pytest.param(lambda cls: attrs.evolve(cls("a"), text="b"), id="attrs.evolve"),
        pytest.param(lambda cls: cls.__match_args__, id="__match_args__"),
        pytest.param(lambda cls: repr(cls("a")), id="repr"),
        pytest.param(lambda cls: cls.from_dict({"text": "a"}), id="from_dict"),
    ],
)
def test_the_first_use_makes_it_the_attrs_class_the_decorator_describes(first_use: Any) -> None:
    note = make_class()
    first_use(note)
    assert note not in _PENDING
    assert attrs.has(note) is True  # (not narrowed: mypy would then see an AttrsInstance)
    fields = attrs.fields(note)
    assert [(f.name, f.default, f.init) for f in fields] == [
        ("text", attrs.NOTHING, True),
        ("stamp", UNSET, True),
        ("additional_properties", attrs.Factory(dict), False),
    ]
    assert note.__match_args__ == ("text", "stamp")
    assert vars(note).get("stamp") is not UNSET  # attrs removed the class-level default
    assert attrs.evolve(note("a", "b"), text="c") == note("c", "b")
    assert repr(note("a")) == "make_class.<locals>.Note(text='a', stamp=UNSET, additional_properties={})"
    match note("a", "b"):
        case note(text, stamp):
            assert (text, stamp) == ("a", "b")


def test_from_dict_runs_attrs_before_it_installs_its_descriptors() -> None:
    note = make_class()
    decoded = note.from_dict({"text": "a", "stamp": "x", "extra": 1})
    # attrs deletes the class attributes named after fields: the descriptors must come after it.
    assert decoded.stamp == "X"
    assert decoded.additional_properties == {"extra": 1}
    assert note.from_dict({"text": "a"}).stamp is UNSET


def test_lazymodel_itself_is_not_an_attrs_class() -> None:
    assert not attrs.has(LazyModel)
    with pytest.raises(AttributeError, match="type object 'LazyModel' has no attribute '__match_args__'"):
        _ = LazyModel.__match_args__  # type: ignore[attr-defined]


def test_threads_meeting_a_new_class_run_attrs_once() -> None:
    note = make_class()
    seen: list[object] = []
    start = threading.Barrier(8)

    def use() -> None:
        start.wait()
        seen.append(attrs.fields(note))

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8
    assert all(fields is seen[0] for fields in seen)


def test_importing_a_generated_model_does_not_run_attrs() -> None:
    # A fresh interpreter: other tests may have used the model already.
    code = textwrap.dedent(
        """\
        import attrs
        from klaviyo_generated._lazy import _PENDING
        from klaviyo_generated.models.profile_location import ProfileLocation
        assert ProfileLocation in _PENDING and "__attrs_attrs__" not in vars(ProfileLocation)
        assert ProfileLocation.from_dict({"city": "Leeds"}).city == "Leeds"
        assert ProfileLocation not in _PENDING and "__attrs_attrs__" in vars(ProfileLocation)
        assert [f.name for f in attrs.fields(ProfileLocation)][:2] == ["address1", "address2"]
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
