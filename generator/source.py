"""Finding the pinned spec file and proving it is the pinned one.

Order: an explicit ``--spec`` path, then ``$KLAVIYO_OPENAPI_SPEC``, then the local cache,
then a download of the pinned raw file (cached on success). Whatever is found must hash to
the pin's sha256: a spec from elsewhere would silently generate a different package.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import attrs

from .pin import Pin

ENV_VAR = "KLAVIYO_OPENAPI_SPEC"
CACHE_ENV_VAR = "KLAVIYO_GENERATED_CACHE"


class SpecSourceError(Exception):
    """The spec could not be found, or is not the pinned one."""


@attrs.frozen(kw_only=True)
class SpecFile:
    path: Path
    origin: str  # "--spec", "$KLAVIYO_OPENAPI_SPEC", "cache" or "download"
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


def _how_to_supply(pin: Pin, cache: Path) -> str:
    return (
        f"No copy of the pinned Klaviyo OpenAPI spec (revision {pin.revision}) was found and it "
        f"could not be downloaded from {pin.url}. Supply it in one of these ways: pass "
        f"`--spec PATH`; set {ENV_VAR}=PATH; or place the file at "
        f"{cache / pin.cache_name}. The file must have sha256 {pin.sha256} "
        f"({pin.repository} at commit {pin.commit}, {pin.path})."
    )


def locate(
    pin: Pin,
    *,
    explicit: Path | None = None,
    environ: Mapping[str, str] | None = None,
    allow_download: bool = True,
    timeout: float = 30.0,
) -> SpecFile:
    """Find the pinned spec, verified; raise SpecSourceError saying what to do otherwise."""
    env = os.environ if environ is None else environ
    if explicit is not None:
        data = _read(explicit, "--spec")
        verify(data, expected=pin.sha256, where=f"--spec {explicit}")
        return SpecFile(path=explicit, origin="--spec", data=data)
    if configured := env.get(ENV_VAR):
        path = Path(configured)
        data = _read(path, f"${ENV_VAR}")
        verify(data, expected=pin.sha256, where=f"${ENV_VAR}={path}")
        return SpecFile(path=path, origin=f"${ENV_VAR}", data=data)
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
    raise SpecSourceError(_how_to_supply(pin, cache))


def load_unpinned(path: Path) -> SpecFile:
    """A spec given without a pin to hold it to (other revisions, fixtures)."""
    return SpecFile(path=path, origin="--spec", data=_read(path, "--spec"))
