"""Decoding order: HTTP header → BOM → <meta charset> → detection; GB family as GB18030."""

from __future__ import annotations

import codecs

import pytest

from crawler.extract import decode_html

TEXT = "关于开展灵活就业人员参加住房公积金制度试点工作的通知。业务咨询：马喆、李珺。" * 3


def page(charset: str | None, text: str = TEXT) -> str:
    meta = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        if charset
        else ""
    )
    return f"<html><head>{meta}<title>通知</title></head><body><p>{text}</p></body></html>"


def test_meta_gb2312_decodes_gbk_characters_as_gb18030() -> None:
    # 喆 and 珺 are outside GB2312: sites declaring gb2312 really serve GBK.
    text, encoding = decode_html(page("gb2312").encode("gbk"))
    assert encoding == "gb18030"
    assert "马喆、李珺" in text


def test_gb18030_four_byte_character_survives() -> None:
    rare = "𠀾"  # a CJK Extension B character: four bytes in GB18030
    text, encoding = decode_html(page("gbk", TEXT + rare).encode("gb18030"))
    assert encoding == "gb18030" and rare in text


def test_http_header_wins_over_meta() -> None:
    # The meta tag says gb2312; the bytes (Big5) would also decode under it, into nonsense.
    body = page("gb2312", "臺灣勞動部公告").encode("big5")
    text, encoding = decode_html(body, "text/html; charset=Big5")
    assert encoding == "big5hkscs" and "臺灣勞動部公告" in text


def test_lying_header_falls_through_to_meta() -> None:
    text, encoding = decode_html(page("gbk").encode("gbk"), "text/html; charset=utf-8")
    assert (encoding, TEXT in text) == ("gb18030", True)


def test_gb_declaration_over_utf8_bytes_is_a_lie() -> None:
    text, encoding = decode_html(page("gb2312").encode("utf-8"), "text/html; charset=GBK")
    assert (encoding, TEXT in text) == ("utf-8", True)


def test_bom_wins_over_meta() -> None:
    text, encoding = decode_html(codecs.BOM_UTF8 + page("gbk").encode("utf-8"))
    assert encoding == "utf-8" and TEXT in text and not text.startswith("\ufeff")


@pytest.mark.parametrize("declared", ["iso-8859-1", "latin-1", "windows-1252", None])
def test_never_latin1(declared: str | None) -> None:
    """A latin-1 family declaration (or none) over GBK bytes: detection, never mojibake."""
    header = f"text/html; charset={declared}" if declared else None
    text, encoding = decode_html(page(None).encode("gbk"), header)
    assert encoding == "gb18030"
    assert TEXT in text


def test_undeclared_big5_is_detected() -> None:
    text = (
        "勞動和社會保障部辦公廳關於開展農民工參加醫療保險專項擴面行動的通知，各省、自治區、直轄市勞動和社會保障廳。"
        * 4
    )
    decoded, encoding = decode_html(page(None, text).encode("big5"))
    assert text in decoded
    assert encoding.startswith("big5") or encoding == "cp950"


def test_undecodable_bytes_never_raise() -> None:
    text, encoding = decode_html(b"\xff\xfe\xfa\x00<p>x</p>" * 3, "text/html; charset=nonsense")
    assert isinstance(text, str) and encoding
