"""The directory's permissions in the standard role presets (accounts.presets)."""

from linli.accounts.presets import extend_role_preset

PROPERTY = ["community", "building", "section", "layout", "unit", "zone"]
PEOPLE = ["person", "personphone", "unitrelation", "personrelation"]
COMPANIES = ["organization", "contact"]
ALL = PROPERTY + PEOPLE + COMPANIES


def _perms(actions: tuple[str, ...], models: list[str]) -> list[str]:
    return [f"directory.{action}_{model}" for model in models for action in actions]


def register() -> None:
    see_all = _perms(("view",), ALL)
    desk = [*see_all, *_perms(("add", "change"), PEOPLE)]
    extend_role_preset("front-desk", desk)
    extend_role_preset("dispatcher", see_all)
    extend_role_preset("department-supervisor", see_all)
    extend_role_preset("technician", _perms(("view",), [*PROPERTY, "person", "unitrelation"]))
    # Managers keep the master data and merge duplicates (merging needs change + delete).
    extend_role_preset("project-manager",
                       _perms(("view", "add", "change", "delete"), ALL))
    extend_role_preset("sales-rep", [*_perms(("view",), [*PROPERTY, *COMPANIES]),
                                     *_perms(("view", "add", "change"), PEOPLE)])
    extend_role_preset("sales-manager", [*_perms(("view",), [*PROPERTY, *COMPANIES]),
                                         *_perms(("view", "add", "change", "delete"), PEOPLE)])
    extend_role_preset("platform-operator", [*_perms(("view",), PROPERTY),
                                             *_perms(("view", "add", "change"), COMPANIES)])
    extend_role_preset("agent", _perms(("view", "change"), COMPANIES))
    extend_role_preset("tenant-admin", _perms(("view", "add", "change", "delete"), ALL))
