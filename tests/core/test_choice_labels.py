"""Choice labels of tenant data (``TenantOwned._get_FIELD_display``): the label of the
current language, whichever language asked first; a value outside the choices as stored."""

from django.utils import translation

from linli.accounts.models import OrgUnit


def test_each_language_gets_its_own_label_and_unknown_values_stay_as_stored():
    unit = OrgUnit(kind="branch")
    labels = []
    for language in ("zh-hans", "en", "zh-hans"):
        with translation.override(language):
            labels.append(unit.get_kind_display())
    assert labels == ["分公司 / 区域", "Branch / region", "分公司 / 区域"]
    assert OrgUnit(kind="no-such-kind").get_kind_display() == "no-such-kind"
