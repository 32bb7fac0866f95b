"""Rendering: the patched spec through openapi-python-client with the project's templates.

Anything openapi-python-client reports (a skipped endpoint, a dropped schema, a warning) fails
the run, and so does an operation of the spec that did not become an endpoint function: a
package that is quietly incomplete is worse than no package.
"""

from __future__ import annotations

import contextlib
import io
import re
import warnings
from pathlib import Path
from typing import Any

import attrs
from openapi_python_client import Project
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData, import_string_from_class
from openapi_python_client.parser.errors import GeneratorError

from .assemble import runtime_modules
from .docstrings import Docstrings
from .jobs import families as job_families
from .naming import former_identifier, naming_rules, tag_identifier
from .params import ParamTable, param_table
from .patches._walk import JSON, iter_operations
from .pin import ROOT
from .tools import Endpoint, Parameter, write_catalog

TEMPLATES = ROOT / "overrides" / "templates"


class GenerationFailed(Exception):
    """openapi-python-client skipped or warned about something; the message lists all of it."""


@attrs.frozen(kw_only=True)
class Rendered:
    operations: int
    models: int


def _config(output: Path, package_name: str) -> Config:
    config_file = ConfigFile(
        package_name_override=package_name,
        project_name_override=package_name,
        literal_enums=True,  # the default Enum mode crashes on colliding member names (GMT+0/GMT-0)
        post_hooks=[],  # formatting is the pipeline's own step, with an explicit ruff configuration
        field_prefix="field_",
    )
    return Config.from_sources(
        config_file, MetaType.NONE, document_source=output, file_encoding="utf-8", overwrite=True, output_path=output
    )


def _explode_table(spec: JSON) -> dict[tuple[str, str], dict[str, bool]]:
    """(method, path) -> {query parameter name: explode}, as the spec declares it (default: form, exploded)."""
    table: dict[tuple[str, str], dict[str, bool]] = {}
    for path, method, operation in iter_operations(spec):
        inherited = spec["paths"][path].get("parameters", [])
        params = table.setdefault((method, path), {})
        for parameter in [*inherited, *operation.get("parameters", [])]:
            if isinstance(parameter, dict) and parameter.get("in") == "query":
                params[parameter["name"]] = bool(parameter.get("explode", parameter.get("style", "form") == "form"))
    return table


def _template_globals(spec: JSON) -> dict[str, Any]:
    explode = _explode_table(spec)

    def joined_array(endpoint: Any, prop: Any) -> bool:
        """An array query parameter sent as one comma-joined value (``explode: false``)."""
        key = (str(endpoint.method), str(endpoint.path.get_untrusted_value()))
        name = str(prop.name.get_untrusted_value()) if hasattr(prop.name, "get_untrusted_value") else str(prop.name)
        return explode.get(key, {}).get(name) is False

    return {
        "joined_array": joined_array,
        "allowed_values": _allowed_values,
        "value_imports": _value_imports,
        "api_revision": str(spec["info"]["version"]),
    }


def _enum_of(prop: Any) -> Any:
    """The enum a query or path property takes its values from (for an array, its items'), or None."""
    inner = getattr(prop, "inner_property", None)
    candidate = prop if inner is None else inner
    return candidate if candidate.template == "literal_enum_property.py.jinja" else None


def _allowed_values(prop: Any) -> str:
    """The expression the endpoint checks ``prop``'s values against: the enum module's frozenset, or None."""
    enum = _enum_of(prop)
    return "None" if enum is None else f"{enum.get_class_name_snake_case().upper()}_VALUES"


def _value_imports(endpoint: Any) -> list[str]:
    """The imports of the frozensets ``_allowed_values`` names for ``endpoint``'s path and query parameters."""
    lines = set()
    for prop in [*endpoint.path_parameters, *endpoint.query_parameters]:
        enum = _enum_of(prop)
        if enum is not None:
            lines.add(f"from ...models.{enum.class_info.module_name} import {_allowed_values(prop)}")
    return sorted(lines)


def _describe(errors: list[GeneratorError]) -> str:
    return "\n".join(f"- {e.level.value}: {e.header or ''} {e.detail or ''}".rstrip() for e in errors)


def _param_table(data: GeneratorData) -> ParamTable:
    return param_table(data.models, [body.prop for endpoint in _endpoints(data) for body in endpoint.bodies])


def _render_params(project: Project, table: ParamTable, package_dir: Path) -> None:
    """``params/``: the TypedDict of every model a request body can hold (``generator/params.py``)."""
    env, directory = project.env, package_dir / "params"
    directory.mkdir(exist_ok=True)
    modules = {t.name: t.module for t in table.types}
    for param in table.types:
        text = env.get_template("param_module.py.jinja").render(type=param, modules=modules)
        (directory / f"{param.module}.py").write_text(text, encoding="utf-8")
    (directory / "_formats.py").write_text(env.get_template("params_formats.py.jinja").render(), encoding="utf-8")
    (directory / "__init__.py").write_text(
        env.get_template("params_init.py.jinja").render(types=table.types), encoding="utf-8"
    )
    imports = [f"from .{t.module} import {t.name}" for t in table.types] + ["from ._formats import Shape"]
    names = [t.name for t in table.types]
    stub = env.get_template("models_init.pyi.jinja").render(imports=imports, alls=names)
    stub += "\n\nMODULE_OF: dict[str, str]\n\ndef shape_of(name: str) -> Shape: ...\n"
    (directory / "__init__.pyi").write_text(stub, encoding="utf-8")


def _body_param(table: ParamTable) -> Any:
    def body_param(body: Any) -> str | None:
        """The TypedDict a body may be given as instead of its model; None when it has none (files)."""
        prop = body.prop
        if type(prop).__name__ != "ModelProperty":
            return None
        return table.param_of(str(prop.class_info.name))

    return body_param


def _render_model_index(project: Project, data: GeneratorData, package_dir: Path) -> None:
    """``models/_index.py`` (name -> module, read lazily) and ``models/__init__.pyi`` (for type checkers).

    openapi-python-client renders one eager ``models/__init__.py``; the project's version of that
    template is a small lazy loader, and these two files carry what it no longer holds.
    """
    classes = [m.class_info for m in data.models] + [e.class_info for e in data.enums]
    context = {"imports": [import_string_from_class(c) for c in classes], "alls": [c.name for c in classes]}
    for template, name in (("models_index.py.jinja", "_index.py"), ("models_init.pyi.jinja", "__init__.pyi")):
        text = project.env.get_template(template).render(**context)
        (package_dir / "models" / name).write_text(text, encoding="utf-8")


_PERIODS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_WINDOWS = ("burst", "steady", "daily")


def _rate_limits(where: str, declared: Any) -> tuple[tuple[int, float], ...]:
    """``{"burst": "75/s", "steady": "750/m"}`` -> ((75, 1.0), (750, 60.0)); anything else fails loudly."""
    if not isinstance(declared, dict):
        raise GenerationFailed(f"{where}: x-klaviyo-ratelimit is missing or not an object: {declared!r}")
    unknown = set(declared) - set(_WINDOWS)
    windows = []
    for window in [w for w in _WINDOWS if w in declared] + sorted(unknown):
        count, _, unit = str(declared[window]).partition("/")
        if not count.isdigit() or unit not in _PERIODS:
            raise GenerationFailed(f"{where}: cannot read rate limit {window}={declared[window]!r} (want N/s|m|h|d)")
        windows.append((int(count), _PERIODS[unit]))
    return tuple(windows)


def _filters(where: str, declared: Any) -> dict[str, Any]:
    """``x-klaviyo-filters`` as plain data: field -> {"operators": {kind: [...]}, "value": {...}}."""
    if declared is None:
        return {}
    fields = declared.items() if isinstance(declared, dict) else None
    if fields is None or not all(isinstance(f, dict) and isinstance(f.get("operators"), dict) for _, f in fields):
        raise GenerationFailed(f"{where}: cannot read x-klaviyo-filters {declared!r:.200}")
    return {str(name): {"operators": spec["operators"], "value": spec.get("value") or {}} for name, spec in fields}


def _name_namespaces(data: GeneratorData, spec: JSON) -> None:
    """Key the endpoint collections (``api/<tag>/``, ``kv.<tag>``) by ``tag_identifier`` of their spec tag."""
    first_tag = {(method, path): (op.get("tags") or ["default"])[0] for path, method, op in iter_operations(spec)}
    named: dict[Any, Any] = {}
    for key, collection in data.endpoint_collections_by_tag.items():
        name = key
        for endpoint in collection.endpoints[:1]:
            name = tag_identifier(str(first_tag[(str(endpoint.method), str(endpoint.path.get_untrusted_value()))]))
        if name in named:
            raise GenerationFailed(f"two spec tags both make the namespace {name!r}")
        collection.tag = name
        named[name] = collection
    data.endpoint_collections_by_tag = named


def _endpoints(data: GeneratorData) -> list[Any]:
    return [e for collection in data.endpoint_collections_by_tag.values() for e in collection.endpoints]


Families = tuple[list[dict[str, Any]], list[dict[str, Any]]]


def _job_families(data: GeneratorData, spec: JSON) -> Families:
    """The spec's job families (``generator/jobs.py``), named by endpoint; both tables read them."""
    names = {(str(e.method), str(e.path.get_untrusted_value())): str(e.name) for e in _endpoints(data)}
    try:
        return job_families(spec, names)
    except ValueError as error:
        raise GenerationFailed(f"job families: {error}") from None


def _operation_facts(data: GeneratorData, spec: JSON, families: Families) -> dict[str, dict[str, Any]]:
    """Per operation (by endpoint name), what the spec says about it: the data of its ``OperationSpec``
    (``_operations.py``) and what its ``Operation`` binds (filters, job operations; endpoint modules)."""
    by_location = {(method, path): operation for path, method, operation in iter_operations(spec)}
    with_status, accepted = families
    limits = {f["submit"]: f for f in [*with_status, *accepted] if f["max_items"] or f["max_bytes"]}
    accepted_names = {f["submit"] for f in accepted}
    tag_of = {str(e.name): str(t) for t, c in data.endpoint_collections_by_tag.items() for e in c.endpoints}

    def related(name: str | None) -> dict[str, str] | None:
        return None if name is None else {"name": name, "tag": tag_of[name]}

    jobs = {
        f["submit"]: {
            "status": related(f["status"]),
            "cancel": related(f["cancel"]),
            "errors": related(f["errors"]),
            "result": related(f["result"]),
            "resource_type": f["resource_type"],
        }
        for f in with_status
    }
    facts = {}
    for tag, collection in sorted(data.endpoint_collections_by_tag.items()):
        for endpoint in collection.endpoints:
            name, path = str(endpoint.name), str(endpoint.path.get_untrusted_value())
            operation = by_location[(str(endpoint.method), path)]
            where = f"{str(endpoint.method).upper()} {path}"
            params = [p.get("name") for p in operation.get("parameters", []) if isinstance(p, dict)]
            facts[name] = {
                "name": name,
                "constant": name.upper(),
                "method": str(endpoint.method).upper(),
                "path": path,
                "tag": str(tag),
                "rate_limits": _rate_limits(where, operation.get("x-klaviyo-ratelimit")),
                "scopes": [str(s) for s in operation.get("x-klaviyo-scopes", [])],
                "paginated": "page[cursor]" in params,
                "filters": _filters(where, operation.get("x-klaviyo-filters")),
                "limits": limits.get(name),
                "accepted": name in accepted_names,
                "job": jobs.get(name),
            }
    return dict(sorted(facts.items()))


def _render_operations(
    project: Project, facts: dict[str, dict[str, Any]], families: Families, package_dir: Path
) -> None:
    """``_operations.py`` (one ``OperationSpec`` constant per operation, and the dict of them) and
    ``_jobs_table.py`` (the job families by name)."""
    text = project.env.get_template("operations.py.jinja").render(operations=list(facts.values()))
    (package_dir / "_operations.py").write_text(text, encoding="utf-8")
    with_status, accepted = families
    text = project.env.get_template("jobs_table.py.jinja").render(families=with_status, accepted=accepted)
    (package_dir / "_jobs_table.py").write_text(text, encoding="utf-8")


def _result_type(endpoint: Any, accepted: bool) -> str:
    """What an endpoint's parser returns: its success type, with an ``Accepted`` receipt for the
    bodiless 202 of a job that has nothing to poll."""
    success = _success_type(endpoint)
    if not accepted:
        return success
    return " | ".join(dict.fromkeys("Accepted" if t == "None" else t for t in success.split(" | ")))


def _endpoint_globals(facts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What the endpoint template asks about an endpoint beyond openapi-python-client's model of it."""

    def result_type(endpoint: Any) -> str:
        return _result_type(endpoint, facts[str(endpoint.name)]["accepted"])

    def success_responses(endpoint: Any) -> list[Any]:
        return [
            r for r in endpoint.responses.patterns if 200 <= r.status_code.range[0] <= r.status_code.range[1] <= 299
        ]

    return {
        "operation_facts": lambda endpoint: facts[str(endpoint.name)],
        "result_type": result_type,
        "success_responses": success_responses,
        "bodiless": lambda response: str(response.source["attribute"]) == "None",
    }


def _success_type(endpoint: Any) -> str:
    """The annotation of what a facade method returns: the union of the documented 2xx bodies."""
    types: list[str] = []
    for response in endpoint.responses.patterns:
        low, high = response.status_code.range
        if low >= 200 and high <= 299:
            # A status documented without a body (202/204) parses to None, whatever the property says.
            no_body = str(response.source["attribute"]) == "None"
            text = "None" if no_body else str(response.prop.get_type_string().as_unembedded_code())
            if text not in types:
                types.append(text)
    return " | ".join(types) or "None"


def _is_paginated(endpoint: Any) -> bool:
    return any(p.name.get_untrusted_value() == "page[cursor]" for p in endpoint.query_parameters)


def _item_property(endpoint: Any) -> Any:
    """The property of one item of a paginated response: the elements of its ``data`` list."""
    for response in endpoint.responses.patterns:
        low, high = response.status_code.range
        if not (low >= 200 and high <= 299):
            continue
        model = response.prop
        props = [
            *(getattr(model, "required_properties", None) or []),
            *(getattr(model, "optional_properties", None) or []),
        ]
        for prop in props:
            inner = getattr(prop, "inner_property", None)
            if str(prop.python_name) == "data" and inner is not None:
                return inner
    return None


def _item_type(endpoint: Any) -> str:
    inner = _item_property(endpoint)
    return "Any" if inner is None else str(inner.get_type_string(no_optional=True).as_unembedded_code())


def _is_public(endpoint: Any) -> bool:
    return str(endpoint.path.get_untrusted_value()).startswith("/client/")


def _facade_imports(endpoints: list[Any], body_param: Any) -> list[str]:
    """The endpoints' imports, re-rooted from ``api/<tag>/`` (three dots) to ``resources/`` (two),
    and the TypedDicts their bodies may be given as.

    A pager's item type is ``Any`` where the spec does not type a page's items (no ``data`` list,
    or untyped elements); nothing else in a namespace module imports it.
    """
    lines = {line.replace("from ...", "from ..", 1) for e in endpoints for line in e.relative_imports}
    lines |= {f"from ..params import {body_param(b)}" for e in endpoints for b in e.bodies if body_param(b)}
    for endpoint in filter(_is_paginated, endpoints):
        inner = _item_property(endpoint)
        if inner is not None:
            lines |= inner.get_imports(prefix="..") | inner.get_lazy_imports(prefix="..")
        if re.search(r"\bAny\b", _item_type(endpoint)):
            lines.add("from typing import Any")
    return sorted(lines)


def _render_facade(project: Project, data: GeneratorData, families: Families, package_dir: Path) -> None:
    """``resources/<tag>.py`` (one namespace class per tag, sync, async and raw) and ``_client.py``."""
    env = project.env
    by_name = {str(e.name): e for e in _endpoints(data)}
    with_status, _ = families
    status_of = {f["submit"]: by_name[f["status"]] for f in with_status}
    chunkable = {f["submit"] for f in with_status if f["max_items"] is not None}
    tag_of = {str(e.name): str(t) for t, c in data.endpoint_collections_by_tag.items() for e in c.endpoints}
    for submit, status in status_of.items():
        if tag_of[str(status.name)] != tag_of[submit]:
            raise GenerationFailed(f"job {submit}: its status operation {status.name} is under another tag")

    def job_status(endpoint: Any) -> Any:
        return status_of.get(str(endpoint.name))

    operation_names = {str(e.name) for e in _endpoints(data)}
    has_workflows = any(p.name == "_workflows.py" for p in runtime_modules(operation_names))
    env.globals.update(
        has_workflows=has_workflows,
        success_type=_success_type,
        public_path=_is_public,
        paginated=_is_paginated,
        item_type=_item_type,
        job_status=job_status,
        chunkable=lambda endpoint: str(endpoint.name) in chunkable and len(endpoint.bodies) == 1,
    )
    (package_dir / "resources").mkdir(exist_ok=True)
    (package_dir / "resources" / "__init__.py").write_text(
        '"""One module per spec tag; the client creates them on first use."""\n', encoding="utf-8"
    )
    tags = []
    for tag, collection in sorted(data.endpoint_collections_by_tag.items()):
        endpoints = sorted(collection.endpoints, key=lambda e: str(e.name))
        class_name = "".join(part.capitalize() for part in str(tag).split("_"))
        text = env.get_template("resource.py.jinja").render(
            tag=str(tag),
            class_name=class_name,
            endpoints=endpoints,
            imports=_facade_imports(endpoints, env.globals["body_param"]),
        )
        (package_dir / "resources" / f"{tag}.py").write_text(text, encoding="utf-8")
        tags.append({"name": str(tag), "class_name": class_name, "former": former_identifier(str(tag))})
    taken = {entry["name"] for entry in tags}
    for entry in tags:
        if entry["former"] in taken:
            raise GenerationFailed(f"namespace {entry['name']!r}: its former name {entry['former']!r} is taken")
    text = env.get_template("facade.py.jinja").render(tags=tags)
    (package_dir / "_client.py").write_text(text, encoding="utf-8")
    everything = [e for collection in data.endpoint_collections_by_tag.values() for e in collection.endpoints]
    _render_returns(env, sorted(everything, key=lambda e: str(e.name)), package_dir)


def _render_returns(env: Any, endpoints: list[Any], package_dir: Path) -> None:
    """``_returns.py``: each operation's result (and page item) type under a name of its own."""
    aliases = []
    for endpoint in endpoints:
        base = "".join(part.capitalize() for part in str(endpoint.name).split("_"))
        aliases.append({"name": f"{base}Result", "type": _success_type(endpoint)})
        if _is_paginated(endpoint):
            aliases.append({"name": f"{base}Item", "type": _item_type(endpoint)})
    # The facade's imports (two dots, from resources/) re-rooted to the package (one dot).
    imports = {line.replace("from ..", "from .", 1) for line in _facade_imports(endpoints, lambda body: None)}
    text = env.get_template("returns.py.jinja").render(imports=sorted(imports), aliases=aliases)
    (package_dir / "_returns.py").write_text(text, encoding="utf-8")


def _spec_name(parameter: Any) -> str:
    name = parameter.name
    return str(name.get_untrusted_value() if hasattr(name, "get_untrusted_value") else name)


def _tool_endpoints(data: GeneratorData) -> list[Endpoint]:
    """Each endpoint's keywords as the facade template writes its method (``resource.py.jinja``)."""
    endpoints = []
    for tag, collection in data.endpoint_collections_by_tag.items():
        for endpoint in collection.endpoints:
            located = [("path", p) for p in endpoint.path_parameters] + [
                (where, p)
                for where, group in (
                    ("query", endpoint.query_parameters),
                    ("header", endpoint.header_parameters),
                    ("cookie", endpoint.cookie_parameters),
                )
                for p in group
            ]
            parameters = tuple(
                Parameter(
                    spec_name=_spec_name(p),
                    python_name=str(p.python_name),
                    location=where,
                    required=bool(p.required),
                    optional_override=str(p.python_name) == "company_id" and _is_public(endpoint),
                )
                for where, p in located
            )
            endpoints.append(
                Endpoint(
                    name=str(endpoint.name),
                    namespace=str(tag),
                    http_method=str(endpoint.method).upper(),
                    path=str(endpoint.path.get_untrusted_value()),
                    parameters=parameters,
                    body=bool(endpoint.bodies),
                    body_required=bool(endpoint.bodies) and all(b.prop.required for b in endpoint.bodies),
                )
            )
    return endpoints


def render(spec: JSON, *, output: Path, package_name: str) -> Rendered:
    config = _config(output, package_name)
    with (
        naming_rules(),
        contextlib.redirect_stdout(io.StringIO()),
        warnings.catch_warnings(record=True) as python_warnings,
    ):
        warnings.simplefilter("always")
        data = GeneratorData.from_dict(spec, config=config)
        if isinstance(data, GeneratorError):
            raise GenerationFailed(f"openapi-python-client could not read the spec:\n{_describe([data])}")
        _name_namespaces(data, spec)
        project = Project(openapi=data, config=config, custom_template_path=TEMPLATES)
        project.env.globals.update(_template_globals(spec))
        params = _param_table(data)
        project.env.globals["body_param"] = _body_param(params)
        families = _job_families(data, spec)
        facts = _operation_facts(data, spec, families)
        project.env.globals.update(_endpoint_globals(facts))
        project.env.globals["docstrings"] = Docstrings(spec, _body_param(params))
        errors = list(project.build())
        # openapi-python-client always writes its stock ``Client``/``AuthenticatedClient``; the package's
        # client is ``Klaviyo`` (the stock one defaults to a ``Bearer`` prefix Klaviyo refuses).
        (project.package_dir / "client.py").unlink()
        _render_params(project, params, project.package_dir)
        _render_model_index(project, data, project.package_dir)
        _render_operations(project, facts, families, project.package_dir)
        _render_facade(project, data, families, project.package_dir)
        write_catalog(spec, _tool_endpoints(data), project.package_dir)
    if python_warnings:
        listed = "\n".join(f"- {w.category.__name__}: {w.message}" for w in python_warnings)
        raise GenerationFailed(f"generation emitted {len(python_warnings)} warning(s):\n{listed}")
    if errors:
        raise GenerationFailed(f"openapi-python-client reported {len(errors)} problem(s):\n{_describe(errors)}")
    generated = {
        (str(e.method), str(e.path.get_untrusted_value()))
        for collection in data.endpoint_collections_by_tag.values()
        for e in collection.endpoints
    }
    missing = [
        f"{m.upper()} {p} ({op.get('operationId')})" for p, m, op in iter_operations(spec) if (m, p) not in generated
    ]
    if missing:
        raise GenerationFailed("operations without an endpoint function:\n" + "\n".join(f"- {m}" for m in missing))
    return Rendered(operations=len(generated), models=len(data.models) + len(data.enums))
