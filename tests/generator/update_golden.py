"""Rewrite the golden tree from the fixture spec: `nox -s update_golden`, then review the diff."""

from __future__ import annotations

from pathlib import Path

from generator.pipeline import build_into

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "mini.json"
GOLDEN = HERE / "golden" / "klaviyo_generated"


def main() -> None:
    summary = build_into(FIXTURE.read_bytes(), GOLDEN)
    print("\n".join(summary.lines()))
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    main()
