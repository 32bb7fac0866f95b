"""mkdocs hook: the API reference pages, generated at build time from the package being documented.

* ``reference/namespaces/<tag>.md``: one page per namespace (``kv.profiles``, ``kv.lists``, ... one per spec
  tag), each operation with its API path, arguments, rate limits, scopes and return model, and the helpers
  built on it (``iter_``, ``submit_``, ``submit_..._in_chunks``, ``attach_``).
* ``reference/workflows.md``: ``kv.workflows``, the same way.
* ``reference/models.md``: every model, under its import path, with its fields.

Everything is read from the package (signatures, docstrings, ``klaviyo_generated._operations``), so the
pages cannot drift from the code. The nav gets a "Namespaces" section; nothing is written into ``docs/``.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import inspect
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

# The page builders run without mkdocs too (tests/docs check them in every test run).
if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

NAMESPACES_DIR = "reference/namespaces"
MODELS_PAGE = "reference/models.md"
WORKFLOWS_PAGE = "reference/workflows.md"
ERRORS_PAGE = "reference/errors.md"
SECTIONS = ("Args", "Arguments", "Rate limits", "Scopes", "Returns", "Raises", "Attributes", "Examples")
# The generated subpackages this hook documents; mkdocstrings (griffe) does not load them.
GENERATED_TREES = frozenset({"api", "models", "params", "resources"})
HELPER_PREFIXES = ("iter_", "submit_", "attach_")


# --- reading the package -------------------------------------------------------------------------------------


def _package() -> Any:
    return importlib.import_module("klaviyo_generated")


def namespaces() -> list[str]:
    """The spec tags, each a ``kv.<tag>`` namespace, in alphabetical order."""
    from klaviyo_generated._operations import OPERATIONS

    return sorted({spec.tag for spec in OPERATIONS.values()})


def resource_class(tag: str) -> type[Any]:
    """The synchronous class behind ``kv.<tag>`` (the annotation of the client's property)."""
    module = importlib.import_module(f"klaviyo_generated.resources.{tag}")
    prop = inspect.getattr_static(_package().Klaviyo, tag)
    annotation = prop.func.__annotations__["return"]
    return getattr(module, annotation.rsplit(".", 1)[-1])  # type: ignore[no-any-return]


def model_modules() -> dict[str, str]:
    """Model name -> its module (``klaviyo_generated.models.<module>``)."""
    from klaviyo_generated.models._index import MODULE_OF

    return {name: "klaviyo_generated.models" + module for name, module in MODULE_OF.items()}


def sections(doc: str) -> tuple[str, dict[str, str]]:
    """A Google-style docstring -> (its text before the first section, section title -> dedented body)."""
    text: list[str] = []
    found: dict[str, list[str]] = {}
    current: list[str] = text
    for line in doc.splitlines():
        title = line.rstrip()[:-1] if line.rstrip().endswith(":") and not line.startswith(" ") else None
        if title in SECTIONS:
            current = found.setdefault(title, [])
            continue
        current.append(line)
    bodies = {title: inspect.cleandoc("\n".join(lines)) for title, lines in found.items()}
    return "\n".join(text).strip(), bodies


def entries(body: str) -> dict[str, str]:
    """An ``Args:``/``Attributes:`` body -> name -> description (continuation lines joined)."""
    result: dict[str, str] = {}
    name = None
    for line in body.splitlines():
        match = re.match(r"(\*{0,2}\w+)(?: \(([^)]*)\))?:(.*)", line)
        if match and not line.startswith(" "):
            name = match.group(1)
            result[name] = (match.group(3) or "").strip()
        elif name is not None and line.strip():
            result[name] = (result[name] + " " + line.strip()).strip()
    return result


def attribute_types(body: str) -> dict[str, tuple[str, str]]:
    """A model's ``Attributes:`` body -> field -> (type, description)."""
    result: dict[str, tuple[str, str]] = {}
    for line in body.splitlines():
        match = re.match(r"(\w+) \((.*)\):(.*)", line)
        if match and not line.startswith(" "):
            result[match.group(1)] = (match.group(2), match.group(3).strip())
    return result


def public_methods(cls: type[Any]) -> dict[str, Callable[..., Any]]:
    return {name: value for name, value in vars(cls).items() if not name.startswith("_") and inspect.isfunction(value)}


# --- rendering ---------------------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Text for a markdown table cell: one line, pipes outside code spans escaped."""
    parts = re.split(r"(`[^`]*`)", " ".join(text.split()))
    return "".join(part if part.startswith("`") else part.replace("|", "\\|") for part in parts)


def _type(annotation: Any) -> str:
    text = annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)
    return text.replace(" | Unset", "").replace("Unset | ", "")


@functools.cache
def return_aliases() -> dict[str, str]:
    """``_returns``' names that stay put across revisions (``GetProfilesItem``) -> the model each stands for.

    Read from the source: at run time the module defines nothing (its aliases are for type checkers)."""
    source = importlib.util.find_spec("klaviyo_generated._returns")
    assert source is not None
    assert source.origin is not None
    text = Path(source.origin).read_text(encoding="utf-8")
    return dict(re.findall(r"^    (\w+): TypeAlias = (\w+)$", text, re.M))


def _linked_type(text: str, models: dict[str, str], page: str = "") -> str:
    """A type annotation as markdown, each model in it (or ``_returns`` alias of one) linked to the models page."""
    parts = re.split(r"\b([A-Z][A-Za-z0-9]+)\b", _type(text))
    rendered = []
    for index, part in enumerate(parts):
        target = return_aliases().get(part, part) if index % 2 else None
        if target in models:
            rendered.append(f"[{part}]({page}#{target})")
        else:
            rendered.append(part.replace("[", "\\[").replace("]", "\\]"))
    return "".join(rendered)


def argument_table(
    function: Callable[..., Any], described: dict[str, str], models: dict[str, str], models_url: str
) -> list[str]:
    rows = ["| Argument | Type | Required / default | Description |", "| --- | --- | --- | --- |"]
    for parameter in list(inspect.signature(function).parameters.values())[1:]:
        name = parameter.name
        if parameter.kind is parameter.VAR_KEYWORD:
            name = f"**{name}"
        elif parameter.kind is parameter.VAR_POSITIONAL:
            name = f"*{name}"
        if parameter.default is parameter.empty:
            default = "required" if parameter.kind not in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL) else ""
        else:
            default = "optional" if repr(parameter.default) == "UNSET" else f"`{parameter.default!r}`"
        kind = _type(parameter.annotation) if parameter.annotation is not parameter.empty else ""
        description = described.get(name.lstrip("*"), described.get(name, ""))
        rows.append(
            f"| `{name}` | {_cell(_linked_type(kind, models, models_url))} | {default} | {_cell(description)} |"
        )
    if len(rows) == 2:  # the header only
        return ["No arguments."]
    if not described:  # no descriptions to show (the workflows document theirs on their own pages)
        return [row.rsplit(" |", 2)[0] + " |" for row in rows]
    return rows


def _returns(function: Callable[..., Any], models: dict[str, str], models_url: str) -> list[str]:
    annotation = inspect.signature(function).return_annotation
    if annotation is inspect.Signature.empty:
        return []
    return [f"**Returns:** {_linked_type(annotation, models, models_url)}", ""]


def _rate_limits(spec: Any) -> str:
    windows = []
    for (count, seconds), label in zip(spec.rate_limits, ("burst", "steady", "daily"), strict=False):
        unit = {1.0: "s", 60.0: "m", 86400.0: "d"}.get(seconds, f"{seconds:g} s")
        windows.append(f"{count}/{unit} {label}")
    return ", ".join(windows)


def operation_section(
    namespace: str, name: str, function: Callable[..., Any], spec: Any, *, models: dict[str, str], models_url: str
) -> list[str]:
    """One operation: heading, API path, description, arguments, rate limits, scopes, returns, errors."""
    text, found = sections(inspect.getdoc(function) or "")
    summary, _, rest = text.partition("\n")
    rest = re.sub(r"(?m)^HTTP: `[^`]*`\s*$", "", rest).strip()
    lines = [f"## `{namespace}.{name}` {{ #{name} }}", "", f"`{spec.method} {spec.path}`", ""]
    if summary:
        lines += [f"**{summary.strip()}**", ""]
    if rest:
        lines += [rest, ""]
    lines += [*argument_table(function, entries(found.get("Args", "")), models, models_url), ""]
    notes = found.get("Rate limits", "").partition("\n\n")[2].strip()
    lines += [f"**Rate limits:** {_rate_limits(spec)}." + (f" {' '.join(notes.split())}" if notes else ""), ""]
    scopes = ", ".join(f"`{scope}`" for scope in spec.scopes) or "none (no credential is sent)"
    lines += [f"**Scopes:** {scopes}", ""]
    lines += _returns(function, models, models_url)
    return lines


def helper_section(
    namespace: str,
    name: str,
    function: Callable[..., Any],
    base: Callable[..., Any] | None,
    *,
    models: dict[str, str],
    models_url: str,
) -> list[str]:
    """An ``iter_``/``submit_``/``attach_`` helper (or a workflow): its own arguments, filled in from its base."""
    text, found = sections(inspect.getdoc(function) or "")
    described = entries(sections(inspect.getdoc(base) or "")[1].get("Args", "")) if base else {}
    described.update({k: v for k, v in entries(found.get("Args", "")).items() if not v.startswith("As in ")})
    lines = [f"### `{namespace}.{name}` {{ #{name} }}" if base else f"## `{namespace}.{name}` {{ #{name} }}", ""]
    if text:
        lines += [text, ""]
    lines += [*argument_table(function, described, models, models_url), ""]
    lines += _returns(function, models, models_url)
    if "Raises" in found:
        raised = entries(found["Raises"])
        lines += ["**Raises:** " + "; ".join(f"`{error}`: {why}" for error, why in raised.items()), ""]
    return lines


def _base_of(name: str, operations: dict[str, Any]) -> str | None:
    for prefix in HELPER_PREFIXES:
        if name.startswith(prefix):
            stem = name.removeprefix(prefix).removesuffix("_in_chunks")
            if stem in operations:
                return stem
    if name.startswith("iter_"):  # iter_profiles pages get_profiles
        stem = "get_" + name.removeprefix("iter_")
        if stem in operations:
            return stem
    return None


def namespace_page(tag: str, models: dict[str, str]) -> str:
    """The markdown of ``reference/namespaces/<tag>.md``."""
    from klaviyo_generated._operations import OPERATIONS

    cls = resource_class(tag)
    namespace = f"kv.{tag}"
    methods = public_methods(cls)
    operations = {name: spec for name, spec in OPERATIONS.items() if spec.tag == tag}
    helpers: dict[str, list[str]] = {name: [] for name in operations}
    for name in methods:
        if name not in operations:
            base = _base_of(name, operations)
            if base is None:
                raise ValueError(f"{cls.__name__}.{name}: no operation of {tag!r} it helps with")
            helpers[base].append(name)
    models_url = "../models.md"
    lines = [
        f"# `{namespace}`",
        "",
        f"The `{tag}` operations of the Klaviyo API ({len(operations)} of them): `{namespace}.<operation>(...)` on a",
        "[`Klaviyo`](../clients.md) client. On an `AsyncKlaviyo` each method is awaited, with the same arguments,",
        "and the `iter_` helpers are `aiter_` (async iterators); `kv.with_raw_response."
        f"{tag}.<operation>(...)` returns an `APIResponse` (status, headers, parsed) instead.",
        "",
        f"Class: `klaviyo_generated.resources.{tag}.{cls.__name__}` (sync), "
        f"`klaviyo_generated.resources.{tag}.Async{cls.__name__}` (async).",
        "",
        "Every operation also takes `timeout=`, `retry=` and `max_retries=` for that call, `extra_headers=` and",
        "`extra_query=` for what the spec does not list ([per-request options](../clients.md#per-request-options)),",
        "and `revision=` to send another API revision. A failure raises a [`KlaviyoError`](../errors.md):",
        "`APIStatusError` (by status: `NotFoundError`, `RateLimitError`, ...), `APIConnectionError`,",
        "`ResponseDecodeError`, `InvalidArgumentError` or `RateLimitWaitExceededError` (nothing sent).",
        "",
        "| Operation | API path | Helpers |",
        "| --- | --- | --- |",
    ]
    for name, spec in operations.items():
        extra = ", ".join(f"[`{helper}`](#{helper})" for helper in helpers[name])
        lines.append(f"| [`{name}`](#{name}) | `{spec.method} {spec.path}` | {extra} |")
    lines.append("")
    for name, spec in operations.items():
        function = methods[name]
        lines += operation_section(namespace, name, function, spec, models=models, models_url=models_url)
        for helper in helpers[name]:
            lines += helper_section(namespace, helper, methods[helper], function, models=models, models_url=models_url)
    return "\n".join(lines) + "\n"


def workflows_page(models: dict[str, str]) -> str:
    """The markdown of ``reference/workflows.md``: ``kv.workflows``."""
    from klaviyo_generated._workflows import Workflows

    lines = [
        "# `kv.workflows`",
        "",
        inspect.cleandoc(sys.modules[Workflows.__module__].__doc__ or ""),
        "",
        "The same methods are on `AsyncKlaviyo`'s `kv.workflows`, awaited. One page per workflow, with examples:",
        "see *Workflows* in the navigation.",
        "",
    ]
    for name, function in public_methods(Workflows).items():
        lines += helper_section("kv.workflows", name, function, None, models=models, models_url="models.md")
    return "\n".join(lines) + "\n"


def model_docstring(name: str, module: str) -> str:
    """A model's class docstring, read from its source: importing 3,700 model modules takes seconds."""
    source = importlib.util.find_spec(module)
    assert source is not None
    assert source.origin is not None
    text = Path(source.origin).read_text(encoding="utf-8")
    match = re.search(rf'^class {name}\b[^\n]*\n    """(.*?)"""', text, re.S | re.M)
    if match:
        return inspect.cleandoc(match.group(1))
    alias = re.search(rf"^{name} = (.*)$", text, re.M)  # an enum: `Name = Literal["a", "b"]`
    if alias:
        return f"`{alias.group(1)}`"
    if re.search(rf"^class {name}\b", text, re.M):
        return "An object with any members (`additional_properties`)."
    return ""


def models_page(models: dict[str, str]) -> str:
    """The markdown of ``reference/models.md``: every model, its import and its fields."""
    lines = [
        "# Models",
        "",
        f"The {len(models)} models of the API's requests and answers (attrs classes), each importable from",
        "`klaviyo_generated.models` (`from klaviyo_generated.models import GetProfileResponse`): loaded on first",
        "use. Request bodies may also be passed as plain dicts; answers are parsed into these.",
        "",
        "| Model | Fields |",
        "| --- | --- |",
    ]
    for name in sorted(models):
        text, found = sections(model_docstring(name, models[name]))
        fields = attribute_types(found.get("Attributes", ""))
        rendered = "<br>".join(f"`{field}`: {_linked_type(kind, models)}" for field, (kind, _) in fields.items())
        if not fields and text:
            rendered = text.splitlines()[0]
        lines.append(f'| <span id="{name}"></span>`{name}` | {_cell(rendered)} |')
    return "\n".join(lines) + "\n"


def pages() -> Iterator[tuple[str, str]]:
    """(docs path, markdown) of every generated page."""
    models = model_modules()
    for tag in namespaces():
        yield f"{NAMESPACES_DIR}/{tag}.md", namespace_page(tag, models)
    yield WORKFLOWS_PAGE, workflows_page(models)
    yield MODELS_PAGE, models_page(models)


# --- mkdocs events -----------------------------------------------------------------------------------------------


def _skip_generated_trees() -> None:
    """Keep mkdocstrings' loader (griffe) out of the generated trees.

    mkdocstrings renders the hand-written classes only; the 5,000 generated modules (models, endpoint
    functions, namespaces, parameter types) are documented by this hook from the package itself, and
    griffe reading them all took 25-40 s of every build.
    """
    import griffe

    original = griffe.ModuleFinder.submodules
    if getattr(original, "skips_generated", False):
        return

    def submodules(self: griffe.ModuleFinder, module: griffe.Module) -> list[Any]:
        found = original(self, module)
        if module.path != "klaviyo_generated":
            return found
        return [entry for entry in found if entry[0][0] not in GENERATED_TREES]

    submodules.skips_generated = True  # type: ignore[attr-defined]
    griffe.ModuleFinder.submodules = submodules  # type: ignore[method-assign]


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # Document the package beside mkdocs.yml, not another installed copy.
    root = str(Path(config.config_file_path).parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    _skip_generated_trees()
    for entry in config.nav or []:
        if isinstance(entry, dict) and "Reference" in entry:
            entry["Reference"].insert(
                1, {"Namespaces": [{f"kv.{tag}": f"{NAMESPACES_DIR}/{tag}.md"} for tag in namespaces()]}
            )
            entry["Reference"].append({"Models": MODELS_PAGE})
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    from mkdocs.structure.files import File

    for path, markdown in pages():
        files.append(File.generated(config, path, content=markdown))
    return files
