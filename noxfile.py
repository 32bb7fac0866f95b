"""Project tasks. `nox -s lint typecheck check_generated tests revisions build` is what CI runs (see README)."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["lint", "typecheck", "check_generated", "tests", "revisions", "build"]


@nox.session
def demo(session: nox.Session) -> None:
    """The library at work: against the embedded fake Klaviyo, or read-only against the real API
    when KLAVIYO_API_KEY is set (examples/demo.py)."""
    # [testing] brings openapi-core: with $KLAVIYO_OPENAPI_SPEC set the fake validates every request.
    session.install("-e", ".[progress,testing]")
    session.run("python", "examples/demo.py", *session.posargs)


@nox.session
def build(session: nox.Session) -> None:
    """The sdist and wheel into dist/, the wheel built from the sdist, installed in a fresh venv and used."""
    session.install("uv==0.13.9")
    session.run("python", "-m", "tests.setup.check_build", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """The docs site (mkdocs-material; API reference by mkdocstrings) into .site/, warnings fail it."""
    session.install("-e", ".[docs]")
    session.run("mkdocs", "build", "--strict", env={"NO_MKDOCS_2_WARNING": "1"})


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite (generator golden files, spec patches, wire format of the generated package).

    The runtime is synced into the package first, so a runtime edit is tested as is (no spec needed). The docs
    extra is installed too: tests/docs builds the site (about 20 s) and checks its reference; and the mcp extra, for
    tests/mcp (the MCP server through the SDK's own client)."""
    session.install("-e", ".[test,generate,docs,mcp]")
    session.run("python", "-m", "generator", "sync")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff on hand-written code (generated trees are excluded in pyproject.toml)."""
    session.install("-e", ".[lint]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package, the generator, tests, benchmarks, the docs hook and the golden tree."""
    # docs: the mkdocs hook and tests/docs import mkdocs and griffe, which mypy must see to check them.
    session.install("-e", ".[typecheck,generate,docs]")
    session.run("mypy")
    # The golden tree is excluded by the project config (it is a second `klaviyo_generated`) and holds generated
    # files only: check it alone, assembled with the runtime modules it imports.
    into = session.create_tmp()
    session.run("python", "-m", "tests.generator.golden_tree", "--into", into)
    session.run("mypy", "--config-file", "", "--strict", "--python-version", "3.11", f"{into}/klaviyo_generated")


@nox.session
def generate(session: nox.Session) -> None:
    """Regenerate klaviyo_generated/ from the pinned spec (`-- --spec PATH` to point at a copy)."""
    session.install("-e", ".[generate]")
    session.run("python", "-m", "generator", "generate", *session.posargs)


@nox.session
def sync(session: nox.Session) -> None:
    """Copy overrides/runtime/ into klaviyo_generated/ after a runtime edit (no spec; `-- --check` lists drift)."""
    session.install("-e", ".[generate]")
    session.run("python", "-m", "generator", "sync", *session.posargs)


@nox.session
def check_generated(session: nox.Session) -> None:
    """Fail if klaviyo_generated/ differs from what the generator produces now."""
    session.install("-e", ".[generate]")
    session.run("python", "-m", "generator", "check", *session.posargs)


@nox.session
def revisions(session: nox.Session) -> None:
    """Every shared spec revision (../shared/klaviyo-openapi) generates, imports and passes mypy --strict."""
    session.install("-e", ".[typecheck,generate]")
    session.run("python", "-m", "tests.generator.check_revisions", *session.posargs)


@nox.session
def regenerate(session: nox.Session) -> None:
    """Move to a new API revision: `-- --revision DATE --commit SHA --sha256 HASH [--spec PATH]`."""
    session.install("-e", ".[generate]")
    session.run("python", "-m", "generator", "upgrade", *session.posargs)


@nox.session
def update_golden(session: nox.Session) -> None:
    """Rewrite the golden tree from the fixture spec (review the diff before committing)."""
    session.install("-e", ".[generate]")
    session.run("python", "-m", "tests.generator.update_golden")


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks (not a CI gate): figures are printed and written to benchmarks/RESULTS.md."""
    # The official SDK is installed here only, to be measured side by side; never a dependency.
    # The Redis limiter's benchmark also needs Debian's redis-server.
    session.install("-e", ".[redis,generate]", "klaviyo-api==25.0.0")
    session.run("python", "benchmarks/import_time.py", *session.posargs)
    session.run("python", "benchmarks/decode_encode.py")
    session.run("python", "benchmarks/client_overhead.py")
    session.run("python", "benchmarks/pagination.py")
    session.run("python", "benchmarks/fanout_and_generation.py")
    session.run("python", "benchmarks/ratelimit_redis.py")
