"""Finding the pinned spec (--spec, $KLAVIYO_OPENAPI_SPEC, ../shared, cache, download) and refusing any other file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import source
from generator.pin import Pin, load_pin
from generator.source import CACHE_ENV_VAR, ENV_VAR, SpecSourceError, locate, sha256_of

SPEC_BYTES = b'{"openapi": "3.0.2", "info": {"version": "2099-01-01"}}'
OTHER_BYTES = b'{"openapi": "3.0.2", "info": {"version": "1999-01-01"}}'


@pytest.fixture
def pin() -> Pin:
    return Pin(
        revision="2099-01-01",
        repository="example/openapi",
        commit="0123456789abcdef0123456789abcdef01234567",
        path="openapi/stable.json",
        sha256=sha256_of(SPEC_BYTES),
    )


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache directory (not yet created), and no $KLAVIYO_OPENAPI_SPEC from the outside."""
    directory = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV_VAR, str(directory))
    monkeypatch.delenv(ENV_VAR, raising=False)
    return directory


class Downloads:
    """Stands in for ``source._download``: records calls and answers ``data``."""

    def __init__(self, data: bytes | None) -> None:
        self.data = data
        self.calls: list[tuple[Pin, float]] = []

    def __call__(self, pin: Pin, timeout: float) -> bytes | None:
        self.calls.append((pin, timeout))
        return self.data


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Downloads:
    """No test here reaches the network: the download answers None unless a test says otherwise."""
    fake = Downloads(None)
    monkeypatch.setattr(source, "_download", fake)
    return fake


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_explicit_spec_wins_over_env_cache_and_download(
    pin: Pin, cache: Path, downloads: Downloads, tmp_path: Path
) -> None:
    explicit = _write(tmp_path / "explicit.json", SPEC_BYTES)
    from_env = _write(tmp_path / "env.json", SPEC_BYTES)
    _write(cache / pin.cache_name, SPEC_BYTES)
    downloads.data = SPEC_BYTES
    found = locate(pin, explicit=explicit, environ={ENV_VAR: str(from_env)})
    assert found == source.SpecFile(path=explicit, origin="--spec", data=SPEC_BYTES)
    assert downloads.calls == []


def test_explicit_spec_is_verified_even_when_env_holds_the_right_file(
    pin: Pin, cache: Path, downloads: Downloads, tmp_path: Path
) -> None:
    explicit = _write(tmp_path / "explicit.json", OTHER_BYTES)
    from_env = _write(tmp_path / "env.json", SPEC_BYTES)
    with pytest.raises(SpecSourceError, match=r"^--spec .*explicit\.json is not the pinned spec"):
        locate(pin, explicit=explicit, environ={ENV_VAR: str(from_env)})


def test_env_var_is_used_when_no_explicit_spec(pin: Pin, cache: Path, downloads: Downloads, tmp_path: Path) -> None:
    from_env = _write(tmp_path / "env.json", SPEC_BYTES)
    _write(cache / pin.cache_name, SPEC_BYTES)
    found = locate(pin, environ={ENV_VAR: str(from_env)})
    assert found == source.SpecFile(path=from_env, origin="$KLAVIYO_OPENAPI_SPEC", data=SPEC_BYTES)
    assert downloads.calls == []


def test_env_var_is_read_from_the_process_environment_by_default(
    pin: Pin, cache: Path, downloads: Downloads, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_env = _write(tmp_path / "env.json", SPEC_BYTES)
    monkeypatch.setenv(ENV_VAR, str(from_env))
    assert locate(pin).path == from_env


def test_empty_env_var_counts_as_unset(pin: Pin, cache: Path, downloads: Downloads) -> None:
    cached = _write(cache / pin.cache_name, SPEC_BYTES)
    assert locate(pin, environ={ENV_VAR: "", CACHE_ENV_VAR: str(cache)}) == source.SpecFile(
        path=cached, origin="cache", data=SPEC_BYTES
    )


def test_cache_is_used_when_neither_explicit_nor_env(pin: Pin, cache: Path, downloads: Downloads) -> None:
    assert pin.cache_name == f"klaviyo-openapi-2099-01-01-{pin.sha256[:12]}.json"
    cached = _write(cache / pin.cache_name, SPEC_BYTES)
    downloads.data = SPEC_BYTES
    assert locate(pin, environ={CACHE_ENV_VAR: str(cache)}) == source.SpecFile(
        path=cached, origin="cache", data=SPEC_BYTES
    )
    assert downloads.calls == []


def test_cache_dir_defaults_to_xdg_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(CACHE_ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert source.cache_dir() == tmp_path / "xdg" / "klaviyo-generated"


def test_download_is_used_last_and_written_to_the_cache(pin: Pin, cache: Path, downloads: Downloads) -> None:
    downloads.data = SPEC_BYTES
    found = locate(pin, environ={CACHE_ENV_VAR: str(cache)}, timeout=7.5)
    cached = cache / pin.cache_name
    assert found == source.SpecFile(path=cached, origin="download", data=SPEC_BYTES)
    assert downloads.calls == [(pin, 7.5)]
    assert cached.read_bytes() == SPEC_BYTES
    # The next run finds it in the cache without downloading again.
    assert locate(pin, environ={CACHE_ENV_VAR: str(cache)}).origin == "cache"
    assert len(downloads.calls) == 1


def test_a_wrong_download_is_refused_and_not_cached(pin: Pin, cache: Path, downloads: Downloads) -> None:
    downloads.data = OTHER_BYTES
    with pytest.raises(SpecSourceError) as caught:
        locate(pin, environ={CACHE_ENV_VAR: str(cache)})
    message = str(caught.value)
    assert message.startswith(f"the download of {pin.url} is not the pinned spec")
    assert sha256_of(OTHER_BYTES) in message
    assert pin.sha256 in message
    assert not (cache / pin.cache_name).exists()


@pytest.mark.parametrize("where", ["explicit", "env", "cache"])
def test_a_wrong_hash_file_is_refused_naming_both_hashes(
    where: str, pin: Pin, cache: Path, downloads: Downloads, tmp_path: Path
) -> None:
    wrong = _write(cache / pin.cache_name if where == "cache" else tmp_path / "wrong.json", OTHER_BYTES)
    downloads.data = SPEC_BYTES  # a right file elsewhere is no excuse: the wrong one is an error, not skipped
    with pytest.raises(SpecSourceError) as caught:
        locate(
            pin,
            explicit=wrong if where == "explicit" else None,
            environ={ENV_VAR: str(wrong), CACHE_ENV_VAR: str(cache)} if where == "env" else {CACHE_ENV_VAR: str(cache)},
        )
    message = str(caught.value)
    actual, expected = sha256_of(OTHER_BYTES), pin.sha256
    assert actual != expected
    assert f"its sha256 is {actual}, the pin (spec/pin.toml) expects {expected}." in message
    assert str(wrong) in message
    assert downloads.calls == []


def test_nothing_found_and_no_download_says_how_to_supply_the_spec(pin: Pin, cache: Path, downloads: Downloads) -> None:
    with pytest.raises(SpecSourceError) as caught:
        locate(pin, environ={CACHE_ENV_VAR: str(cache)})
    message = str(caught.value)
    assert "`--spec PATH`" in message
    assert f"{ENV_VAR}=PATH" in message
    assert str(cache / pin.cache_name) in message
    assert f"sha256 {pin.sha256}" in message
    assert pin.url in message
    assert pin.commit in message
    assert len(downloads.calls) == 1
    assert not cache.exists()


def test_allow_download_false_never_downloads(pin: Pin, cache: Path, downloads: Downloads) -> None:
    downloads.data = SPEC_BYTES
    with pytest.raises(SpecSourceError, match="No copy of the pinned Klaviyo OpenAPI spec"):
        locate(pin, environ={CACHE_ENV_VAR: str(cache)}, allow_download=False)
    assert downloads.calls == []
    assert not (cache / pin.cache_name).exists()


def test_allow_download_false_still_uses_the_cache(pin: Pin, cache: Path, downloads: Downloads) -> None:
    cached = _write(cache / pin.cache_name, SPEC_BYTES)
    assert locate(pin, environ={CACHE_ENV_VAR: str(cache)}, allow_download=False).path == cached
    assert downloads.calls == []


def test_unreadable_explicit_path(pin: Pin, cache: Path, downloads: Downloads, tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(SpecSourceError) as caught:
        locate(pin, explicit=missing, environ={CACHE_ENV_VAR: str(cache)})
    assert str(caught.value) == f"--spec points at {missing}, which cannot be read: No such file or directory"
    assert downloads.calls == []


def test_unreadable_env_path(pin: Pin, cache: Path, downloads: Downloads, tmp_path: Path) -> None:
    shared = _write(tmp_path / "shared" / pin.shared_name, SPEC_BYTES)  # set but wrong is not a reason to look on
    with pytest.raises(SpecSourceError) as caught:
        locate(pin, environ={ENV_VAR: str(tmp_path)}, shared=shared.parent)  # a directory
    assert str(caught.value) == (
        f"$KLAVIYO_OPENAPI_SPEC points at {tmp_path}, which cannot be read: Is a directory. Point it at the pinned "
        f"spec (revision 2099-01-01, sha256 {pin.sha256}), or unset it to use the shared copy {shared}."
    )
    assert downloads.calls == []


def test_load_unpinned_reads_any_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "other.json", OTHER_BYTES)
    assert source.load_unpinned(path) == source.SpecFile(path=path, origin="--spec", data=OTHER_BYTES)
    with pytest.raises(SpecSourceError, match="cannot be read"):
        source.load_unpinned(tmp_path / "missing.json")


def test_load_pin_reads_the_committed_pin() -> None:
    pin = load_pin()
    assert pin == Pin(
        revision="2026-07-15",
        repository="klaviyo/openapi",
        commit="f0a30ba41254904dc410d84ca497df68f8872276",
        path="openapi/stable.json",
        sha256="deb88f1dfad82fd530433555d3180fdc29633143d21e7347a9726cbea3fae2a9",
    )
    assert pin.url == (
        "https://raw.githubusercontent.com/klaviyo/openapi/f0a30ba41254904dc410d84ca497df68f8872276/openapi/stable.json"
    )
    assert pin.cache_name == "klaviyo-openapi-2026-07-15-deb88f1dfad8.json"


def test_load_pin_lowercases_the_hash_and_names_a_missing_key(tmp_path: Path) -> None:
    pin_file = tmp_path / "pin.toml"
    pin_file.write_text(
        'revision = "r"\nrepository = "o/r"\ncommit = "c"\npath = "p.json"\nsha256 = "ABCDEF"\n', encoding="utf-8"
    )
    assert load_pin(pin_file).sha256 == "abcdef"
    pin_file.write_text('revision = "r"\nrepository = "o/r"\npath = "p.json"\nsha256 = "ab"\n', encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        load_pin(pin_file)
    assert caught.value.code == f"{pin_file}: missing key 'commit'"


def test_a_given_environ_also_decides_the_cache(pin: Pin, cache: Path, downloads: Downloads, tmp_path: Path) -> None:
    """`environ=` replaces the process environment whole: the process's cache is not consulted."""
    _write(cache / pin.cache_name, SPEC_BYTES)
    elsewhere = tmp_path / "elsewhere"
    downloads.data = SPEC_BYTES
    found = locate(pin, environ={CACHE_ENV_VAR: str(elsewhere)}, allow_download=True)
    assert found.origin == "download"
    assert (elsewhere / pin.cache_name).read_bytes() == SPEC_BYTES


def test_shared_name_is_the_raw_file_name_dated() -> None:
    assert load_pin().shared_name == "stable-2026-07-15.json"
    assert source.shared_copy(load_pin()) == source.SHARED_DIR / "stable-2026-07-15.json"
    # The shared directory sits beside the clone, as ../shared does for every clone and CI.
    assert Path(source.__file__).resolve().parents[2] / "shared" / "klaviyo-openapi" == source.SHARED_DIR


def test_shared_copy_comes_after_env_and_before_cache_and_download(
    pin: Pin, cache: Path, downloads: Downloads, tmp_path: Path
) -> None:
    shared = tmp_path / "shared" / "klaviyo-openapi"
    beside = _write(shared / "stable-2099-01-01.json", SPEC_BYTES)
    _write(cache / pin.cache_name, SPEC_BYTES)
    downloads.data = SPEC_BYTES
    from_env = _write(tmp_path / "env.json", SPEC_BYTES)
    assert locate(pin, environ={ENV_VAR: str(from_env)}, shared=shared).origin == "$KLAVIYO_OPENAPI_SPEC"
    found = locate(pin, environ={CACHE_ENV_VAR: str(cache)}, shared=shared)
    assert found == source.SpecFile(path=beside, origin="shared", data=SPEC_BYTES)
    assert downloads.calls == []


def test_a_wrong_shared_copy_is_refused(pin: Pin, cache: Path, downloads: Downloads, tmp_path: Path) -> None:
    beside = _write(tmp_path / "shared" / pin.shared_name, OTHER_BYTES)
    _write(cache / pin.cache_name, SPEC_BYTES)
    with pytest.raises(SpecSourceError, match=rf"^the shared copy {re.escape(str(beside))} is not the pinned spec"):
        locate(pin, environ={CACHE_ENV_VAR: str(cache)}, shared=beside.parent)


def test_the_shared_directory_defaults_to_the_module_setting(
    pin: Pin, cache: Path, downloads: Downloads, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    beside = _write(tmp_path / "elsewhere" / pin.shared_name, SPEC_BYTES)
    monkeypatch.setattr(source, "SHARED_DIR", beside.parent)
    assert locate(pin, environ={CACHE_ENV_VAR: str(cache)}).path == beside


@pytest.mark.parametrize("allow_download", [True, False])
def test_nothing_found_names_every_place_looked(
    allow_download: bool, pin: Pin, cache: Path, downloads: Downloads, tmp_path: Path
) -> None:
    shared = tmp_path / "shared"
    with pytest.raises(SpecSourceError) as caught:
        locate(pin, environ={CACHE_ENV_VAR: str(cache)}, shared=shared, allow_download=allow_download)
    download = "failed: no network, or not found" if allow_download else "not tried: offline"
    assert str(caught.value) == (
        "No copy of the pinned Klaviyo OpenAPI spec (revision 2099-01-01) was found. Looked for: "
        f"$KLAVIYO_OPENAPI_SPEC (unset); the shared copy {shared / 'stable-2099-01-01.json'} (missing); "
        f"the cache {cache / pin.cache_name} (missing); a download of {pin.url} ({download}). "
        "Supply it in one of these ways: set KLAVIYO_OPENAPI_SPEC=PATH; place the file at "
        f"{shared / 'stable-2099-01-01.json'} or {cache / pin.cache_name}; or pass `--spec PATH` to "
        f"`python -m generator`. The file must have sha256 {pin.sha256} "
        f"(example/openapi at commit {pin.commit}, openapi/stable.json)."
    )


def test_generator_check_finds_the_shared_copy_without_the_env_var(
    cache: Path,
    downloads: Downloads,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`python -m generator check` (the check_generated session) uses ../shared as pytest and .ci/run do.

    The pinned bytes are stood in for by a pin on a small file: the lookup, not the 40 s generation, is tested."""
    from generator import __main__ as cli
    from generator import compare, pin, pipeline

    fake_pin = Pin(
        revision="2099-01-01",
        repository="example/openapi",
        commit="0" * 40,
        path="openapi/stable.json",
        sha256=sha256_of(SPEC_BYTES),
    )
    beside = _write(tmp_path / "shared" / "klaviyo-openapi" / "stable-2099-01-01.json", SPEC_BYTES)
    monkeypatch.setattr(source, "SHARED_DIR", beside.parent)
    monkeypatch.setattr(pin, "load_pin", lambda: fake_pin)
    built: list[bytes] = []

    def build_into(data: bytes, into: Path) -> object:
        built.append(data)
        into.mkdir(parents=True)
        return type("Summary", (), {"files": 0})()

    monkeypatch.setattr(pipeline, "build_into", build_into)
    monkeypatch.setattr(compare, "compare_trees", lambda fresh, output: type("Diff", (), {"clean": True})())
    assert cli.main(["check", "--output", str(tmp_path / "package")]) == 0
    assert built == [SPEC_BYTES]
    assert capsys.readouterr().out.splitlines()[0] == (
        f"spec: {beside} (shared, sha256 {fake_pin.sha256[:12]}… matches the pin)"
    )
    assert downloads.calls == []
