"""Cold-start cost of `klaviyo_generated`: wall time, peak RSS and module count, each in a fresh interpreter.

Every measurement is a new `sys.executable -c ...` process started in an empty temporary directory (so the
checkout cannot shadow the installed package). The child times its own work with `time.perf_counter`, reads its
peak RSS from `resource.getrusage` and prints one JSON line. Each scenario runs once untimed first, so the
bytecode caches (`__pycache__/*.pyc`) are written and the timed runs measure a cached cold start.

    python benchmarks/import_time.py [--runs N] [--no-write] [--only NAME ...]

Prints a table and rewrites the `import_time` section of benchmarks/RESULTS.md (other content is kept).
Targets are informational: the exit status is non-zero only when a child process fails.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from _common import RESULTS, machine, write_section

CHILD_TIMEOUT_S = 600.0


@dataclass(frozen=True)
class Target:
    seconds: float
    megabytes: float


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    # Timed code. It runs right after the timer starts; it may leave names for `check` to use.
    work: str
    # Untimed code run after the measurement (sanity checks); it may set `_extra` (a JSON-able dict).
    check: str = ""
    target: Target | None = None
    # A module the scenario needs (the official SDK); the scenario is skipped, and says so, without it.
    requires: str | None = None


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        name="baseline",
        description="bare interpreter, no work (the floor)",
        work="pass",
    ),
    Scenario(
        name="httpx",
        description="`import httpx` (the floor for any httpx-based client)",
        work="import httpx",
    ),
    Scenario(
        name="package + get_profiles",
        description=(
            "`import klaviyo_generated`, `from klaviyo_generated.api.profiles import get_profiles` and build "
            "its request (`get_profiles._get_kwargs(page_size=10)`); the HTTP stack is not needed for that"
        ),
        work=textwrap.dedent(
            """\
            import klaviyo_generated
            from klaviyo_generated.api.profiles import get_profiles
            _kwargs = get_profiles._get_kwargs(page_size=10)
            """
        ),
        check=textwrap.dedent(
            """\
            assert _kwargs["url"] == "/api/profiles", _kwargs
            assert _kwargs["params"] == {"page[size]": 10}, _kwargs
            _extra = {"origin": klaviyo_generated.__file__}
            """
        ),
        target=Target(seconds=0.15, megabytes=35.0),
    ),
    Scenario(
        name="raw httpx first call",
        description=(
            "the floor for a first call: `import httpx` and `json`, one GET through an `httpx.MockTransport` "
            "answering a one-profile JSON:API page, `json.loads` of the body"
        ),
        work=textwrap.dedent(
            """\
            import json
            import httpx
            _page = (
                b'{"data": [{"type": "profile", "id": "01H", "attributes": {"email": "a@b.co"},'
                b' "links": {"self": "https://a.klaviyo.com/api/profiles/01H"}}],'
                b' "links": {"self": "https://a.klaviyo.com/api/profiles"}}'
            )
            _raw = httpx.Client(
                base_url="https://a.klaviyo.com",
                transport=httpx.MockTransport(lambda request: httpx.Response(200, content=_page)),
            )
            _parsed = json.loads(_raw.get("/api/profiles", params={"page[size]": 10}).content)
            """
        ),
        check='assert _parsed["data"][0]["id"] == "01H"',
    ),
    Scenario(
        name="package first call",
        description=(
            "the same first call through the package with no policy: import, `Klaviyo(api_key=..., "
            "transport=..., retry=False, rate_limits=False)` over the same MockTransport, "
            "`kv.profiles.get_profiles(page_size=10)` parsed into typed models (until issue 16 this was the stock "
            "`AuthenticatedClient` and `get_profiles.sync(...)`, which are gone; the transport layers are still "
            "built, so it is not comparable with figures before that)"
        ),
        work=textwrap.dedent(
            """\
            import httpx
            import klaviyo_generated
            _page = (
                b'{"data": [{"type": "profile", "id": "01H", "attributes": {"email": "a@b.co"},'
                b' "links": {"self": "https://a.klaviyo.com/api/profiles/01H"}}],'
                b' "links": {"self": "https://a.klaviyo.com/api/profiles"}}'
            )
            _kv = klaviyo_generated.Klaviyo(
                api_key="pk_" + "a" * 32,
                transport=httpx.MockTransport(lambda request: httpx.Response(200, content=_page)),
                retry=False,
                rate_limits=False,
            )
            _parsed = _kv.profiles.get_profiles(page_size=10)
            """
        ),
        check=textwrap.dedent(
            """\
            assert _parsed.data[0].id == "01H", _parsed
            _extra = {"origin": klaviyo_generated.__file__}
            """
        ),
    ),
    Scenario(
        name="Klaviyo first call",
        description=(
            "the client users touch: `from klaviyo_generated import Klaviyo`, `Klaviyo(api_key=..., transport=...)` "
            "over the same MockTransport, `kv.profiles.get_profiles(page_size=10)` through the retry and "
            "rate-limit layers, parsed into typed models"
        ),
        work=textwrap.dedent(
            """\
            import httpx
            from klaviyo_generated import Klaviyo
            _page = (
                b'{"data": [{"type": "profile", "id": "01H", "attributes": {"email": "a@b.co"},'
                b' "links": {"self": "https://a.klaviyo.com/api/profiles/01H"}}],'
                b' "links": {"self": "https://a.klaviyo.com/api/profiles"}}'
            )
            _kv = Klaviyo(
                api_key="pk_" + "a" * 32,
                transport=httpx.MockTransport(lambda request: httpx.Response(200, content=_page)),
            )
            _parsed = _kv.profiles.get_profiles(page_size=10)
            """
        ),
        check=textwrap.dedent(
            """\
            assert _parsed.data[0].id == "01H", _parsed
            """
        ),
        target=Target(seconds=0.15, megabytes=35.0),
    ),
    Scenario(
        name="everything",
        description=(
            "import every module under `klaviyo_generated` (pkgutil.walk_packages) "
            "and getattr every name in `klaviyo_generated.models.__all__`; except the MCP server "
            "(`klaviyo_generated.mcp._server`, the `[mcp]` extra), which imports the `mcp` SDK and its "
            "dependencies (pydantic, starlette, ...: about 35 MB, theirs, not the package's) and has no "
            "counterpart in klaviyo-api"
        ),
        work=textwrap.dedent(
            """\
            import importlib
            import pkgutil
            import klaviyo_generated
            import klaviyo_generated.models

            def _onerror(name):
                raise  # re-raise the exception walk_packages caught while importing `name`

            _names = []
            for _info in pkgutil.walk_packages(klaviyo_generated.__path__, "klaviyo_generated.", onerror=_onerror):
                if _info.name == "klaviyo_generated.mcp._server":
                    continue
                importlib.import_module(_info.name)
                _names.append(_info.name)
            for _name in klaviyo_generated.models.__all__:
                getattr(klaviyo_generated.models, _name)
            """
        ),
        check=textwrap.dedent(
            """\
            _extra = {
                "origin": klaviyo_generated.__file__,
                "walked_modules": len(_names),
                "model_names": len(klaviyo_generated.models.__all__),
            }
            """
        ),
        target=Target(seconds=1.5, megabytes=90.0),
    ),
    Scenario(
        name="Klaviyo ready",
        description=(
            "the same first step as the official SDK's below, for a side-by-side: "
            "`from klaviyo_generated import Klaviyo`, `Klaviyo(api_key=...)`, `kv.profiles` (no call)"
        ),
        work=textwrap.dedent(
            """\
            from klaviyo_generated import Klaviyo
            _kv = Klaviyo(api_key="pk_" + "a" * 32)
            _profiles = _kv.profiles
            """
        ),
        check="assert callable(_profiles.get_profiles)",
        target=Target(seconds=0.15, megabytes=30.0),
    ),
    Scenario(
        name="klaviyo-api ready",
        description=(
            "the official SDK (klaviyo-api, installed in the benchmark environment only): "
            "`from klaviyo_api import KlaviyoAPI`, `KlaviyoAPI(api_key)`, `.Profiles` (its first namespace)"
        ),
        work=textwrap.dedent(
            """\
            from klaviyo_api import KlaviyoAPI
            _client = KlaviyoAPI("pk_" + "a" * 32)
            _profiles = _client.Profiles
            """
        ),
        check="assert callable(_profiles.get_profiles)",
        requires="klaviyo_api",
    ),
    Scenario(
        name="klaviyo-api everything",
        description=(
            "the official SDK: import every module under `openapi_client` and `klaviyo_api` "
            "(pkgutil.walk_packages) and build every namespace of a `KlaviyoAPI`"
        ),
        work=textwrap.dedent(
            """\
            import importlib
            import pkgutil
            import klaviyo_api
            import openapi_client

            def _onerror(name):
                raise

            _names = []
            for _package in (openapi_client, klaviyo_api):
                for _info in pkgutil.walk_packages(_package.__path__, _package.__name__ + ".", onerror=_onerror):
                    importlib.import_module(_info.name)
                    _names.append(_info.name)
            _client = klaviyo_api.KlaviyoAPI("pk_" + "a" * 32)
            _spaces = [name for name in dir(type(_client)) if isinstance(getattr(type(_client), name), property)]
            for _space in _spaces:
                getattr(_client, _space)
            """
        ),
        check='_extra = {"walked_modules": len(_names), "namespaces": len(_spaces)}',
        requires="klaviyo_api",
    ),
)

CHILD_TEMPLATE = """\
from time import perf_counter as _perf_counter
_t0 = _perf_counter()
{work}
_wall = _perf_counter() - _t0
import sys as _sys
_modules = len(_sys.modules)
_extra = {{}}
{check}
import resource as _resource
_rss_kib = _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss
import json as _json  # after the RSS reading, so the report's own imports are not counted
print(_json.dumps({{"wall_s": _wall, "rss_kib": _rss_kib, "modules": _modules, "extra": _extra}}))
"""


@dataclass(frozen=True)
class Sample:
    wall_s: float
    rss_mb: float
    modules: int
    process_s: float  # whole child process as seen by the parent: interpreter start-up + work + shutdown
    extra: dict[str, object]


@dataclass(frozen=True)
class Summary:
    scenario: Scenario
    samples: tuple[Sample, ...]

    @property
    def wall_s(self) -> float:
        return statistics.median(s.wall_s for s in self.samples)

    @property
    def wall_min_s(self) -> float:
        return min(s.wall_s for s in self.samples)

    @property
    def wall_max_s(self) -> float:
        return max(s.wall_s for s in self.samples)

    @property
    def rss_mb(self) -> float:
        return statistics.median(s.rss_mb for s in self.samples)

    @property
    def modules(self) -> int:
        return round(statistics.median(s.modules for s in self.samples))

    @property
    def process_s(self) -> float:
        return statistics.median(s.process_s for s in self.samples)

    def verdicts(self) -> tuple[str, str]:
        """PASS/MISS for (time, memory), or '-' when the scenario has no target."""
        target = self.scenario.target
        if target is None:
            return "-", "-"
        return (
            "PASS" if self.wall_s <= target.seconds else "MISS",
            "PASS" if self.rss_mb <= target.megabytes else "MISS",
        )


class ChildFailedError(Exception):
    def __init__(self, scenario: Scenario, message: str, stderr: str) -> None:
        super().__init__(f"scenario {scenario.name!r}: {message}")
        self.stderr = stderr


def child_env() -> dict[str, str]:
    # The warm-up run exists to write bytecode caches; an inherited PYTHONDONTWRITEBYTECODE would defeat it.
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_child(scenario: Scenario, cwd: str, env: dict[str, str]) -> Sample:
    code = CHILD_TEMPLATE.format(work=scenario.work, check=scenario.check)
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        stderr = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        raise ChildFailedError(scenario, f"timed out after {CHILD_TIMEOUT_S:.0f} s", stderr) from exc
    process_s = time.perf_counter() - started
    if proc.returncode != 0:
        raise ChildFailedError(scenario, f"child exited with status {proc.returncode}", proc.stderr)
    lines = proc.stdout.strip().splitlines()
    try:
        data = json.loads(lines[-1])
        extra = data["extra"]
        if not isinstance(extra, dict):
            raise TypeError(f"extra is {type(extra).__name__}, not dict")
        return Sample(
            wall_s=float(data["wall_s"]),
            rss_mb=float(data["rss_kib"]) / 1024.0,  # ru_maxrss is in KiB on Linux
            modules=int(data["modules"]),
            process_s=process_s,
            extra={str(k): v for k, v in extra.items()},
        )
    except (IndexError, KeyError, TypeError, ValueError) as exc:
        raise ChildFailedError(scenario, f"unreadable child output {proc.stdout!r}: {exc}", proc.stderr) from exc


def measure(scenarios: Sequence[Scenario], runs: int, cwd: str, env: dict[str, str]) -> list[Summary]:
    """Every scenario once untimed (writes the .pyc files), then ``runs`` rounds of every scenario in
    turn: a machine slowing down or speeding up hits every scenario alike, so ratios between them hold."""
    for scenario in scenarios:
        warmup = run_child(scenario, cwd, env)
        print(f"  {scenario.name}: warm-up {warmup.wall_s:.3f} s")
    samples: dict[str, list[Sample]] = {scenario.name: [] for scenario in scenarios}
    for _ in range(runs):
        for scenario in scenarios:
            samples[scenario.name].append(run_child(scenario, cwd, env))
    return [Summary(scenario, tuple(samples[scenario.name])) for scenario in scenarios]


@dataclass(frozen=True)
class Comparison:
    """One row of the issue's table: ours against klaviyo-api, both against a floor."""

    figure: str
    ours: str
    theirs: str
    floor: str  # the scenario the ratios are against
    target: str


COMPARISONS = (
    Comparison(
        figure="`import` + `Klaviyo(...)` + first namespace",
        ours="Klaviyo ready",
        theirs="klaviyo-api ready",
        floor="httpx",
        target="<= 1.3x `import httpx`, <= 30 MB",
    ),
    Comparison(
        figure="every module + every model",
        ours="everything",
        theirs="klaviyo-api everything",
        floor="klaviyo-api everything",
        target="<= 0.3x klaviyo-api, <= 90 MB",
    ),
)


def comparison_table(summaries: Sequence[Summary]) -> str:
    """The issue's rows: wall (median; fastest run) and peak RSS of both sides, and their ratios to the floor."""
    by_name = {s.scenario.name: s for s in summaries}
    out = [
        "| figure | floor | ours | klaviyo-api | ours / floor (median; fastest) | klaviyo-api / floor | target |",
        "|---|---|---|---|---:|---:|---|",
    ]
    for row in COMPARISONS:
        ours, floor = by_name.get(row.ours), by_name.get(row.floor)
        if ours is None or floor is None:
            continue
        theirs = by_name.get(row.theirs)

        def cell(summary: Summary) -> str:
            return f"{summary.wall_s:.3f} s (fastest {summary.wall_min_s:.3f} s), {summary.rss_mb:.0f} MB"

        def ratio(summary: Summary, floor: Summary = floor) -> str:
            return f"{summary.wall_s / floor.wall_s:.2f}x; {summary.wall_min_s / floor.wall_min_s:.2f}x"

        out.append(
            f"| {row.figure} | `{row.floor}`: {cell(floor)} | {cell(ours)} | "
            f"{cell(theirs) if theirs else 'not measured'} | {ratio(ours)} | {ratio(theirs) if theirs else '-'} | "
            f"{row.target} |"
        )
    return "\n".join(out)


def bytecode_cached(origin: object) -> str:
    if not isinstance(origin, str):
        return "unknown"
    cached = importlib.util.cache_from_source(origin)
    return "present" if Path(cached).exists() else f"MISSING ({cached})"


def target_text(summary: Summary) -> str:
    target = summary.scenario.target
    if target is None:
        return ""
    wall, rss = summary.verdicts()
    return f"<= {target.seconds:g} s: {wall}; <= {target.megabytes:g} MB: {rss}"


HEADERS = ("scenario", "wall median (s)", "wall min-max (s)", "peak RSS (MB)", "modules", "process (s)", "target")


def rows(summaries: Sequence[Summary]) -> list[tuple[str, ...]]:
    return [
        (
            s.scenario.name,
            f"{s.wall_s:.4f}",
            f"{s.wall_min_s:.4f}-{s.wall_max_s:.4f}",
            f"{s.rss_mb:.1f}",
            str(s.modules),
            f"{s.process_s:.3f}",
            target_text(s),
        )
        for s in summaries
    ]


def text_table(summaries: Sequence[Summary]) -> str:
    body = rows(summaries)
    widths = [max(len(r[i]) for r in (HEADERS, *body)) for i in range(len(HEADERS))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(HEADERS), rule, *(line(r) for r in body)])


def markdown_table(summaries: Sequence[Summary]) -> str:
    out = ["| " + " | ".join(HEADERS) + " |", "|" + "|".join("---" for _ in HEADERS) + "|"]
    out.extend("| " + " | ".join(r) + " |" for r in rows(summaries))
    return "\n".join(out)


NOTES = (
    "Each figure is the median of {runs} runs, each in a fresh `python -c` process started in an empty "
    "temporary directory; every scenario ran once untimed first (warm-up: writes the `.pyc` caches, "
    "`PYTHONDONTWRITEBYTECODE` is removed from the children's environment); the timed runs go in rounds of "
    "every scenario in turn, so the ratios of the second table compare runs made at the same moments.",
    "`wall` is timed inside the child with `time.perf_counter()` from its first statement to the end of the "
    "work; `process` is the whole child as seen by the parent (interpreter start-up, work, shutdown).",
    "`peak RSS` is the child's `ru_maxrss` (KiB on Linux) / 1024; `modules` is `len(sys.modules)` right after "
    "the work.",
)


def markdown_section(summaries: Sequence[Summary], runs: int, notes: Sequence[str]) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    scenarios = "\n".join(f"- `{s.scenario.name}`: {s.scenario.description}" for s in summaries)
    bullets = "\n".join(f"- {n}" for n in notes)
    return "\n".join(
        [
            "## Import time (`benchmarks/import_time.py`)",
            "",
            f"- date: {now}",
            f"- machine: {machine()}",
            f"- command: `python benchmarks/import_time.py --runs {runs}`",
            "",
            scenarios,
            "",
            markdown_table(summaries),
            "",
            comparison_table(summaries),
            "",
            bullets,
            "",
            "Targets are informational (the script does not fail on a MISS).",
        ]
    )


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {number}")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=positive_int, default=7, help="timed runs per scenario (default 7)")
    parser.add_argument("--no-write", action="store_true", help=f"do not rewrite {RESULTS.name}")
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        choices=[scenario.name for scenario in SCENARIOS],
        help="measure only these scenarios (implies --no-write: a partial table must not replace the full one)",
    )
    args = parser.parse_args(argv)
    runs: int = args.runs
    if args.only:
        args.no_write = True

    print(f"machine: {machine()}")
    print(f"warm-up: each scenario runs once untimed first (writes .pyc caches); then median of {runs} runs")
    env = child_env()
    notes = [n.format(runs=runs) for n in NOTES]
    with tempfile.TemporaryDirectory(prefix="import_time_") as cwd:
        scenarios = []
        for scenario in SCENARIOS:
            if args.only and scenario.name not in args.only:
                continue
            if scenario.requires is not None and importlib.util.find_spec(scenario.requires) is None:
                print(f"  {scenario.name}: skipped ({scenario.requires} is not installed)")
                notes.append(f"`{scenario.name}`: not measured, {scenario.requires} is not installed here.")
            else:
                scenarios.append(scenario)
        try:
            summaries = measure(scenarios, runs, cwd, env)
        except ChildFailedError as exc:
            print(f"error: {exc}", file=sys.stderr)
            print(exc.stderr, file=sys.stderr, end="" if exc.stderr.endswith("\n") else "\n")
            return 1
        for summary in summaries:
            extra = summary.samples[-1].extra
            if extra and "origin" not in extra:
                notes.append(f"`{summary.scenario.name}`: " + ", ".join(f"{k}={v}" for k, v in extra.items()) + ".")
            if "origin" in extra:
                detail = f"package imported from {extra['origin']} (bytecode cache {bytecode_cached(extra['origin'])})"
                others = ", ".join(f"{k}={v}" for k, v in extra.items() if k != "origin")
                notes.append(f"`{summary.scenario.name}`: {detail}" + (f"; {others}" if others else "") + ".")

    print()
    print(text_table(summaries))
    print()
    print(comparison_table(summaries))
    print()
    for note in notes:
        print(f"* {note}")
    if args.no_write:
        print(f"\n(--no-write: {RESULTS} not touched)")
    else:
        write_section("import_time", markdown_section(summaries, runs, notes))
        print(f"\nwrote the import_time section of {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
