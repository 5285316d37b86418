import pytest

from linli.core.personal_data.search_query import (
    QueryKind,
    RoomCode,
    id_number_is_valid,
    parse_search_query,
)


@pytest.mark.parametrize(("q", "kind"), [
    ("", QueryKind.EMPTY),
    ("   ", QueryKind.EMPTY),
    (None, QueryKind.EMPTY),
    ("1234", QueryKind.PHONE_LAST4),
    ("１２３４", QueryKind.PHONE_LAST4),
    ("13812341234", QueryKind.PHONE),
    ("+86 138-1234-1234", QueryKind.PHONE),
    ("010-12345678", QueryKind.PHONE),
    ("11010519491231002X", QueryKind.ID_NUMBER),
    ("11010519491231002x", QueryKind.ID_NUMBER),
    ("110105491231002", QueryKind.ID_NUMBER),
    ("3-2-1502", QueryKind.ROOM),
    ("zs", QueryKind.PINYIN),
    ("Zhang San", QueryKind.PINYIN),
    ("张三", QueryKind.NAME),
    ("张", QueryKind.NAME),
    ("user12", QueryKind.TEXT),
    ("a.b@example.com", QueryKind.TEXT),
    ("110101199003071234", QueryKind.TEXT),  # wrong check character: not an ID number
    ("12345", QueryKind.TEXT),
])
def test_query_kind(q, kind):
    assert parse_search_query(q).kind == kind


@pytest.mark.parametrize(("q", "room"), [
    ("3-2-1502", RoomCode("3", "2", "1502")),
    ("3栋2单元1502", RoomCode("3", "2", "1502")),
    ("3#2-1502", RoomCode("3", "2", "1502")),
    ("3幢2单元1502室", RoomCode("3", "2", "1502")),
    ("3号楼2单元1502", RoomCode("3", "2", "1502")),
    ("３栋２单元１５０２", RoomCode("3", "2", "1502")),
    ("3 栋 2 单元 1502", RoomCode("3", "2", "1502")),
    ("a座1502", RoomCode("A", "", "1502")),
    ("12-301", RoomCode("12", "", "301")),
])
def test_room_codes(q, room):
    parsed = parse_search_query(q)
    assert parsed.kind == QueryKind.ROOM
    assert parsed.room == room


def test_phone_query_is_normalised():
    parsed = parse_search_query("0086 138 1234 1234")
    assert (parsed.kind, parsed.phone, parsed.last4) == (
        QueryKind.PHONE, "+8613812341234", "1234"
    )


def test_last4_pinyin_and_id_values():
    assert parse_search_query(" 1234 ").last4 == "1234"
    assert parse_search_query("zhang san").pinyin == "zhangsan"
    assert parse_search_query("11010519491231002x").id_number == "11010519491231002X"


def test_query_is_trimmed_to_100_characters():
    parsed = parse_search_query("x" * 300)
    assert parsed.text == "x" * 100


@pytest.mark.parametrize(("value", "valid"), [
    ("11010519491231002X", True),
    ("110105194912310021", False),  # wrong check character
    ("11010519491331002X", False),  # month 13
    ("110105491231002", True),
    ("110105491331002", False),
    ("1101051949123100", False),
])
def test_id_number_is_valid(value, valid):
    assert id_number_is_valid(value) is valid
