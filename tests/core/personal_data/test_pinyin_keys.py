import pytest

from linli.core.personal_data.pinyin_keys import pinyin_keys


@pytest.mark.parametrize(("name", "keys"), [
    ("张三", ("zhangsan", "zs")),
    ("李小明", ("lixiaoming", "lxm")),
    ("欧阳娜娜", ("ouyangnana", "oynn")),
    ("吕方", ("lvfang", "lf")),
    (" 张 三 ", ("zhangsan", "zs")),
    ("张三abc", ("zhangsanabc", "zsabc")),
    ("Li Ming", ("liming", "liming")),
    ("O'Brien", ("obrien", "obrien")),
    ("", ("", "")),
])
def test_pinyin_keys(name, keys):
    assert pinyin_keys(name) == keys


@pytest.mark.parametrize(("name", "keys"), [
    ("曾国藩", ("zengguofan", "zgf")),
    ("单田芳", ("shantianfang", "stf")),
    ("解缙", ("xiejin", "xj")),
    ("朴树", ("piaoshu", "ps")),
    ("区小明", ("ouxiaoming", "oxm")),
    ("查良镛", ("zhaliangyong", "zly")),
    ("翟天临", ("zhaitianlin", "ztl")),
    ("尉迟恭", ("yuchigong", "ycg")),
    ("长孙无忌", ("zhangsunwuji", "zswj")),
])
def test_surname_readings(name, keys):
    assert pinyin_keys(name) == keys


def test_surname_reading_only_for_person_names():
    # 曾经 is "cengjing"; as a place or organisation name the surname table must not apply.
    assert pinyin_keys("曾经小区", surname=False) == ("cengjingxiaoqu", "cjxq")
    assert pinyin_keys("单元楼", surname=False) == ("danyuanlou", "dyl")


@pytest.mark.parametrize("name", [
    "abc张三", "张三abc", "A座 1单元", "〇一二", "绿地", "吕布", "重庆朝阳", "12栋3单元",
    "王（小）明", "ａｂｃ张", "x·y", "𠀀字", "é张", "导入41515住户0",
])
def test_initials_are_what_pypinyin_gives_letter_by_letter(name):
    import unicodedata

    from pypinyin import Style, lazy_pinyin
    full, initials = pinyin_keys(name, surname=False)
    name = unicodedata.normalize("NFKC", name).strip()
    expected = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default"))
    assert initials == "".join(c for c in expected.lower() if c.isascii() and c.isalnum())
    assert full == "".join(c for c in "".join(lazy_pinyin(name, errors="default")).lower()
                           if c.isascii() and c.isalnum())
