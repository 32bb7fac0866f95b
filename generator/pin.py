"""The pin: which Klaviyo OpenAPI revision the package is built from (``spec/pin.toml``)."""

from __future__ import annotations

import tomllib
from pathlib import Path, PurePosixPath

import attrs

ROOT = Path(__file__).resolve().parent.parent
PIN_FILE = ROOT / "spec" / "pin.toml"


@attrs.frozen(kw_only=True)
class Pin:
    revision: str
    repository: str
    commit: str
    path: str
    sha256: str

    @property
    def url(self) -> str:
        """Where the pinned file can be downloaded when a network is available."""
        return f"https://raw.githubusercontent.com/{self.repository}/{self.commit}/{self.path}"

    @property
    def cache_name(self) -> str:
        return f"klaviyo-openapi-{self.revision}-{self.sha256[:12]}.json"

    @property
    def shared_name(self) -> str:
        """The file's name in ``../shared/klaviyo-openapi/``: the raw file's, dated (``stable-2026-07-15.json``)."""
        raw = PurePosixPath(self.path)
        return f"{raw.stem}-{self.revision}{raw.suffix}"


def load_pin(path: Path = PIN_FILE) -> Pin:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    try:
        return Pin(
            revision=data["revision"],
            repository=data["repository"],
            commit=data["commit"],
            path=data["path"],
            sha256=data["sha256"].lower(),
        )
    except KeyError as exc:
        raise SystemExit(f"{path}: missing key {exc.args[0]!r}") from None
