"""Finding the pinned spec file and proving it is the pinned one.

Order: an explicit ``--spec`` path, then ``$KLAVIYO_OPENAPI_SPEC``, then the shared copy beside
the clone (``../shared/klaviyo-openapi/stable-<revision>.json``), then the local cache, then a
download of the pinned raw file (cached on success). Whatever is found must hash to the pin's
sha256: a spec from elsewhere would silently generate a different package. The generator, the
test suite (tests/conftest.py) and ``.ci/run`` all use this one rule.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import attrs

from .pin import ROOT, Pin

ENV_VAR = "KLAVIYO_OPENAPI_SPEC"
CACHE_ENV_VAR = "KLAVIYO_GENERATED_CACHE"
# Where the project's shared files sit beside every clone (and CI's): the spec revisions among them.
SHARED_DIR = ROOT.parent / "shared" / "klaviyo-openapi"


class SpecSourceError(Exception):
    """The spec could not be found, or is not the pinned one."""


@attrs.frozen(kw_only=True)
class SpecFile:
    path: Path
    origin: str  # "--spec", "$KLAVIYO_OPENAPI_SPEC", "shared", "cache" or "download"
    data: bytes


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if configured := env.get(CACHE_ENV_VAR):
        return Path(configured)
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "klaviyo-generated"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify(data: bytes, *, expected: str, where: str) -> None:
    actual = sha256_of(data)
    if actual != expected:
        raise SpecSourceError(
            f"{where} is not the pinned spec: its sha256 is {actual}, the pin (spec/pin.toml) "
            f"expects {expected}. Supply the pinned file, or move the pin with "
            "`nox -s regenerate` if you mean to change revision."
        )


def _read(path: Path, origin: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SpecSourceError(f"{origin} points at {path}, which cannot be read: {exc.strerror}") from None


def _download(pin: Pin, timeout: float) -> bytes | None:
    """The pinned raw file, or None when there is no network to fetch it from."""
    import httpx  # only needed on this path

    try:
        response = httpx.get(pin.url, timeout=timeout, follow_redirects=True)
    except httpx.HTTPError:
        return None
    if response.status_code != 200:
        return None
    return response.content


def _write_atomically(path: Path, data: bytes) -> None:
    """An interrupted download must not leave a truncated file that later runs would refuse."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as partial:
        partial.write(data)
    Path(partial.name).replace(path)


def shared_copy(pin: Pin, directory: Path | None = None) -> Path:
    """Where the shared copy of the pinned spec sits (it may not exist)."""
    return (SHARED_DIR if directory is None else directory) / pin.shared_name


def _how_to_supply(pin: Pin, *, shared: Path, cache: Path, download: str) -> str:
    return (
        f"No copy of the pinned Klaviyo OpenAPI spec (revision {pin.revision}) was found. Looked for: "
        f"${ENV_VAR} (unset); the shared copy {shared} (missing); the cache {cache} (missing); "
        f"a download of {pin.url} ({download}). Supply it in one of these ways: set {ENV_VAR}=PATH; "
        f"place the file at {shared} or {cache}; or pass `--spec PATH` to `python -m generator`. "
        f"The file must have sha256 {pin.sha256} ({pin.repository} at commit {pin.commit}, {pin.path})."
    )


def locate(
    pin: Pin,
    *,
    explicit: Path | None = None,
    environ: Mapping[str, str] | None = None,
    shared: Path | None = None,
    allow_download: bool = True,
    timeout: float = 30.0,
) -> SpecFile:
    """Find the pinned spec, verified; raise SpecSourceError saying what to do otherwise.

    ``shared`` is the directory of shared spec copies (default ``SHARED_DIR``: beside the clone).
    """
    env = os.environ if environ is None else environ
    shared = SHARED_DIR if shared is None else shared
    if explicit is not None:
        data = _read(explicit, "--spec")
        verify(data, expected=pin.sha256, where=f"--spec {explicit}")
        return SpecFile(path=explicit, origin="--spec", data=data)
    if configured := env.get(ENV_VAR):
        path = Path(configured)
        try:
            data = _read(path, f"${ENV_VAR}")
        except SpecSourceError as error:
            # Set but wrong is an error, never a reason to look elsewhere: say both ways out.
            raise SpecSourceError(
                f"{error}. Point it at the pinned spec (revision {pin.revision}, sha256 {pin.sha256}), "
                f"or unset it to use the shared copy {shared_copy(pin, shared)}."
            ) from None
        verify(data, expected=pin.sha256, where=f"${ENV_VAR}={path}")
        return SpecFile(path=path, origin=f"${ENV_VAR}", data=data)
    beside = shared_copy(pin, shared)
    if beside.is_file():
        data = _read(beside, "the shared copy")
        verify(data, expected=pin.sha256, where=f"the shared copy {beside}")
        return SpecFile(path=beside, origin="shared", data=data)
    cache = cache_dir(env)
    cached = cache / pin.cache_name
    if cached.is_file():
        data = _read(cached, "the cache")
        verify(data, expected=pin.sha256, where=f"the cached copy {cached}")
        return SpecFile(path=cached, origin="cache", data=data)
    if allow_download and (data_or_none := _download(pin, timeout)) is not None:
        verify(data_or_none, expected=pin.sha256, where=f"the download of {pin.url}")
        _write_atomically(cached, data_or_none)
        return SpecFile(path=cached, origin="download", data=data_or_none)
    download = "failed: no network, or not found" if allow_download else "not tried: offline"
    raise SpecSourceError(_how_to_supply(pin, shared=beside, cache=cached, download=download))


def load_unpinned(path: Path) -> SpecFile:
    """A spec given without a pin to hold it to (other revisions, fixtures)."""
    return SpecFile(path=path, origin="--spec", data=_read(path, "--spec"))
