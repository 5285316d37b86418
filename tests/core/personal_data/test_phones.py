import pytest
from django.core.exceptions import ValidationError

from linli.core.personal_data.phones import display_phone, last4, normalize_phone


@pytest.mark.parametrize(("raw", "e164"), [
    ("13812341234", "+8613812341234"),
    ("138 1234 1234", "+8613812341234"),
    ("138-1234-1234", "+8613812341234"),
    ("+86 138 1234 1234", "+8613812341234"),
    ("+86-13812341234", "+8613812341234"),
    ("0086 138 1234 1234", "+8613812341234"),
    ("008613812341234", "+8613812341234"),
    ("8613812341234", "+8613812341234"),
    ("１３８１２３４１２３４", "+8613812341234"),
    (" 13812341234 ", "+8613812341234"),
    ("010-12345678", "+861012345678"),
    ("(010) 1234 5678", "+861012345678"),
    ("0755 8888 8888", "+8675588888888"),
    ("0571-88888888", "+8657188888888"),
    ("400-800-8888", "+864008008888"),
    ("+852 9123 4567", "+85291234567"),
])
def test_normalize_phone_accepts_what_people_type(raw, e164):
    assert normalize_phone(raw) == e164


@pytest.mark.parametrize(("raw", "message"), [
    ("", "Enter a phone number."),
    ("   ", "Enter a phone number."),
    ("1-800-FLOWERS", "A phone number may contain only digits, spaces, dashes and a leading +."),
    ("138abc1234", "A phone number may contain only digits, spaces, dashes and a leading +."),
    ("12345", "“12345” is not a valid phone number. Enter an 11-digit mobile number or a "
              "landline with its area code, e.g. 010-12345678."),
    ("1381234123", "“1381234123” is not a valid phone number. Enter an 11-digit mobile number "
                   "or a landline with its area code, e.g. 010-12345678."),
    ("021-6666666", "“021-6666666” is not a valid phone number. Enter an 11-digit mobile "
                    "number or a landline with its area code, e.g. 010-12345678."),
])
def test_normalize_phone_refuses_with_a_clear_message(raw, message):
    with pytest.raises(ValidationError) as excinfo:
        normalize_phone(raw)
    assert excinfo.value.messages == [message]


@pytest.mark.parametrize(("e164", "expected"), [
    ("+8613812341234", "1234"),
    ("+861012345678", "5678"),
    ("", ""),
])
def test_last4(e164, expected):
    assert last4(e164) == expected


@pytest.mark.parametrize(("e164", "expected"), [
    ("+8613812341234", "138 1234 1234"),
    ("+861012345678", "010 1234 5678"),
    ("+8675588888888", "0755 8888 8888"),
    ("+85291234567", "+852 9123 4567"),
    ("not a phone", "not a phone"),
    ("", ""),
])
def test_display_phone(e164, expected):
    assert display_phone(e164) == expected


def _by_phonenumbers(typed: str) -> str | None:
    import phonenumbers
    try:
        number = phonenumbers.parse(typed, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@pytest.mark.parametrize("prefix", [f"1{d:02d}" for d in range(100)])
def test_mainland_mobiles_are_accepted_or_refused_exactly_as_phonenumbers_decides(prefix):
    """Plain mobile numbers skip the parse (phones._mainland_mobile); every 1xx prefix, valid
    or not, in the three ways they are typed, must come out as phonenumbers has it."""
    from linli.core.personal_data.phones import _E164_CACHE

    for tail in ("00000000", "12345678", "40012345", "99999999"):
        national = prefix + tail
        for typed in (national, "+86" + national, "0086" + national):
            _E164_CACHE.clear()
            expected = _by_phonenumbers(typed)
            if expected is None:
                with pytest.raises(ValidationError):
                    normalize_phone(typed)
            else:
                assert normalize_phone(typed) == expected, typed
