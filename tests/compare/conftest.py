"""Fixtures for the comparison tests: a realistic 门诊共济 implementing rule (7 章, 30 条)."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def regulation() -> str:
    """渝州市职工基本医疗保险门诊共济保障实施细则: preamble, 7 chapters, 30 articles."""
    return (DATA / "menzhen_gongji.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def notice() -> str:
    """A 通知 numbered 一、（一）1., as policy notices are."""
    return (DATA / "notice_outline.txt").read_text(encoding="utf-8")
