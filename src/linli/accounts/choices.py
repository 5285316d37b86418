"""UI colours of the accounts choices (the choices themselves live with the models)."""

from linli.accounts.models import OrgUnitKind

ORG_UNIT_KIND_BADGES = {
    OrgUnitKind.COMPANY: "indigo",
    OrgUnitKind.BRANCH: "blue",
    OrgUnitKind.PROJECT: "teal",
    OrgUnitKind.DEPARTMENT: "orange",
    OrgUnitKind.TEAM: "lime",
}
