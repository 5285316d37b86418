import pytest

from linli.core.personal_data.masking import mask_id, mask_name, mask_phone, mask_value


@pytest.mark.parametrize(("value", "masked"), [
    ("+8613812341234", "138****1234"),
    ("+8619912345678", "199****5678"),
    ("+861012345678", "010-****5678"),
    ("+8675588888888", "0755-****8888"),
    ("+864008008888", "400***8888"),
    ("+85291234567", "+852 ****4567"),
    ("13812341234", "138****1234"),
    ("call me 55-1234", "**1234"),
    ("123", "***"),
    ("", ""),
])
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(("value", "masked"), [
    ("110101199003071234", "110***********1234"),
    ("11010519491231002X", "110***********002X"),
    ("110105491231002", "110********1002"),
    ("A1234", "*****"),
    ("", ""),
])
def test_mask_id(value, masked):
    assert mask_id(value) == masked


@pytest.mark.parametrize(("value", "masked"), [
    ("张三", "张*"),
    ("欧阳娜娜", "欧***"),
    ("Li Ming", "L* M***"),
    ("", ""),
])
def test_mask_name(value, masked):
    assert mask_name(value) == masked


def test_mask_value_dispatches_by_kind():
    assert mask_value("+8613812341234", "phone") == "138****1234"
    assert mask_value("110101199003071234", "id") == "110***********1234"
    assert mask_value("张三", "name") == "张*"
