"""The people import: people with their role at a unit, one row per person and unit; room
codes in any spelling the search accepts; people already in the directory are found by ID
number."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.exchange.imports import (
    ImportColumn,
    ImportContext,
    ImportDefinition,
    ImportRow,
    register_importer,
)
from linli.core.exchange.parsers import text
from linli.core.personal_data.search_query import parse_room
from linli.core.scope import scope_for
from linli.directory.choices import Gender, UnitRole
from linli.directory.importers.cells import (
    COMMUNITY_COLUMN,
    GENDER_WORDS,
    ROLE_WORDS,
    choice_or_word,
    fold,
    id_number,
    no_community,
    past_date,
    phones,
)
from linli.directory.keys import room_code
from linli.directory.models import Community, Person, Unit
from linli.directory.selectors import exchange as lookups
from linli.directory.services import people as people_services
from linli.directory.services import people_bulk


def _room_code(typed: str) -> str | None:
    """The canonical room code of "3-2-1502", "3栋2单元1502", "3#2-1502", … or None."""
    compact = unicodedata.normalize("NFKC", typed).strip().upper()
    room = parse_room(compact)
    if room is not None:
        return room_code(room.building, room.section, room.room)
    # A code of dash-separated parts the room pattern does not know is taken as it is.
    if re.fullmatch(r"[0-9A-Z]{1,6}(?:-[0-9A-Z]{1,6}){1,2}", compact):
        return compact
    return None


# Rows saved together: the statements per batch are constant, the memory per batch small.
WRITE_BATCH = 2000


@dataclass
class _FilePerson:
    row: int
    values: dict
    existing: Person | None
    # (unit id, role) → the row that relates them, or 0 for a relation already stored.
    relations: dict = field(default_factory=dict)


class PersonImport(ImportDefinition):
    name = gettext_lazy("People")
    description = gettext_lazy(
        "People with their role at a unit (owner, co-owner, resident, renter), one row per "
        "person and unit. A person whose ID number is already in the directory gets the new "
        "unit relation and any new phone; nobody else is changed."
    )
    permission = "directory.add_person"
    columns = [
        ImportColumn(
            "name", gettext_lazy("Name"), required=True, parser=text(100),
            aliases=("姓名", "业主姓名", "客户姓名"), example="张三",
        ),
        ImportColumn(
            "gender", gettext_lazy("Gender"),
            parser=choice_or_word(Gender.choices, GENDER_WORDS), aliases=("性别",),
            example="男", help_text=gettext_lazy("男 or 女; taken from the ID number when "
                                                 "empty."),
        ),
        ImportColumn(
            "id_number", gettext_lazy("ID number"), parser=id_number,
            aliases=("身份证号", "身份证号码", "证件号码", "身份证"),
            example="110101199003074477",
            help_text=gettext_lazy("The 18-character mainland ID number. Format the column as "
                                   "text so that Excel keeps every digit."),
        ),
        ImportColumn(
            "mobile", gettext_lazy("Mobile"), parser=phones, default=[],
            aliases=("手机", "手机号", "手机号码", "联系电话", "电话"),
            example="13812341234；13912345678",
            help_text=gettext_lazy("One or several phones separated by ; or ，."),
        ),
        COMMUNITY_COLUMN,
        ImportColumn(
            "room_code", gettext_lazy("Room"), required=True, parser=text(60),
            aliases=("房号", "房间", "房屋", "房屋编号", "房间号", "room code"),
            example="3栋2单元1502",
            help_text=gettext_lazy("The unit: 3-2-1502, 3栋2单元1502 or 3#2-1502 (building, "
                                   "section, room); 3-1502 for buildings without sections."),
        ),
        ImportColumn(
            "role", gettext_lazy("Role"), required=True,
            parser=choice_or_word(UnitRole.choices, ROLE_WORDS),
            aliases=("身份", "角色", "关系", "客户身份"), example="业主",
            help_text=gettext_lazy("业主 (owner), 共有人 (co-owner), 住户 (resident) or 租户 "
                                   "(renter)."),
        ),
        ImportColumn(
            "start_date", gettext_lazy("Start date"), parser=past_date, default=None,
            aliases=("开始日期", "起始日期", "入住日期", "交房日期", "from"),
            example="2024-05-01",
        ),
    ]
    notes = [
        gettext_lazy("Rows with the same ID number are one person: repeat the row for each "
                     "unit, leaving the other columns empty or the same."),
        gettext_lazy("Without an ID number, rows with the same name and mobiles are one "
                     "person; a row with a name only is always a new person."),
    ]

    def prepare(self, context: ImportContext) -> None:
        actor = context.actor
        context.cache.update(communities=lookups.communities_by_name(actor), units={},
                             known_ids=lookups.people_by_id_number(actor), people={},
                             scope=scope_for(actor))

    def _units(self, community: Community, context: ImportContext) -> dict[str, Unit]:
        units = context.cache["units"]
        if community.pk not in units:
            units[community.pk] = lookups.units_by_code(context.actor, community)
        return units[community.pk]

    def _key(self, values: dict) -> tuple | None:
        if values["id_number"]:
            return ("id", values["id_number"])
        if values["mobile"]:
            return ("name", fold(values["name"]), tuple(sorted(values["mobile"])))
        return None

    def _community(self, values: dict, context: ImportContext) -> Community:
        community = context.cache["communities"].get(fold(values["community"]))
        if community is None:
            raise no_community(values["community"])
        scope = context.cache["scope"]
        if not all(scope.has_perm(p, community.org_unit_id) for p in (
                "directory.add_person", "directory.add_unitrelation")):
            raise ValidationError({"community": _("You may not add people to this community.")})
        return community

    def _existing(self, values: dict, context: ImportContext, errors: dict) -> Person | None:
        """The directory's person with this row's ID number, when there is exactly one."""
        pks = context.cache["known_ids"].get(values["id_number"]) if values["id_number"] else None
        if not pks:
            return None
        if len(pks) > 1:
            errors["id_number"] = _("Several people in the directory have this ID number; "
                                    "merge them first.")
            return None
        person = lookups.person_for_import(context.actor, pks[0])
        if person.name != values["name"]:
            errors["name"] = _("This ID number belongs to %(name)s in the directory.") % {
                "name": person.name}
        elif not context.actor.has_perm("directory.add_unitrelation", person):
            errors["name"] = _("You may not add units to %(name)s.") % {"name": person.name}
        elif set(values["mobile"]) - lookups.phone_numbers(person) and \
                not context.actor.has_perm("directory.change_person", person):
            errors["mobile"] = _("You may not add phones to %(name)s.") % {"name": person.name}
        return person

    def _same_person(self, first: _FilePerson, values: dict, errors: dict) -> None:
        for key in ("name", "gender", "mobile"):
            if values[key] and values[key] != first.values[key]:
                errors[key] = _("Differs from row %(row)d of the same person: leave it empty "
                                "or repeat it.") % {"row": first.row}

    def validate_row(self, values: dict[str, Any], context: ImportContext) -> dict[str, Any]:
        community = self._community(values, context)
        errors: dict[str, str] = {}
        unit = None
        code = _room_code(values["room_code"])
        if code is None:
            errors["room_code"] = _("“%(value)s” is not a room code; write it like 3-2-1502 or "
                                    "3栋2单元1502.") % {"value": values["room_code"]}
        else:
            unit = self._units(community, context).get(code)
            if unit is None:
                errors["room_code"] = _("There is no unit %(code)s in %(community)s.") % {
                    "code": code, "community": community.name}
        key = self._key(values)
        first = context.cache["people"].get(key) if key else None
        if first is not None:
            self._same_person(first, values, errors)
        existing = first.existing if first else self._existing(values, context, errors)
        if first is not None:
            relations = first.relations
        elif existing is not None and "name" not in errors:
            relations = dict.fromkeys(lookups.current_relations(existing), 0)
        else:
            relations = {}
        if unit is not None and "name" not in errors:
            row = relations.get((unit.pk, values["role"]))
            label = UnitRole(values["role"]).label.lower()
            if row == 0:
                errors["role"] = _("%(name)s is already %(role)s of %(unit)s.") % {
                    "name": values["name"], "role": label, "unit": unit.room_code}
            elif row:
                errors["role"] = _("Row %(row)d already makes this person %(role)s of "
                                   "%(unit)s.") % {"row": row, "role": label,
                                                   "unit": unit.room_code}
        if errors:
            raise ValidationError(errors)
        if first is None:
            first = _FilePerson(context.row, values, existing, relations)
            if key:
                context.cache["people"][key] = first
        first.relations[(unit.pk, values["role"])] = context.row
        return {**values, "community": community, "unit": unit, "key": key,
                "existing": existing}

    def write(self, rows: Iterable[ImportRow], context: ImportContext) -> None:
        """Each row is checked as a draft when it comes (so an error names its row); new people
        and all relations are saved a batch at a time."""
        actor = context.actor
        # key → the saved person's (pk, org unit), or the draft person of the open batch.
        created: dict[tuple, Person | tuple[int, int]] = {}
        phones: dict[int, set[str]] = {}
        drafts: list[people_services.PersonDraft] = []
        draft_keys: list[tuple | None] = []
        relations: list[people_bulk.RelationDraft] = []

        def save_batch() -> None:
            people_bulk.people_save_many(actor=actor, drafts=drafts, relations=relations)
            for key, draft in zip(draft_keys, drafts, strict=True):
                if key:
                    created[key] = (draft.person.pk, draft.person.org_unit_id)
            drafts.clear()
            draft_keys.clear()
            relations.clear()

        for row in rows:
            values = row.values
            person = values["existing"] or created.get(values["key"])
            if isinstance(person, tuple):
                person = Person(pk=person[0], tenant=context.tenant, org_unit_id=person[1],
                                name=values["name"])
            elif person is None:
                draft = people_services.person_draft(
                    actor=actor, tenant=context.tenant, org_unit=values["community"].org_unit,
                    name=values["name"], phones=values["mobile"], gender=values["gender"],
                    id_number=values["id_number"],
                )
                person = draft.person
                drafts.append(draft)
                draft_keys.append(values["key"])
                if values["key"]:
                    created[values["key"]] = person
            elif values["existing"] is not None:
                known = phones.setdefault(person.pk, lookups.phone_numbers(person))
                for number in values["mobile"]:
                    if number not in known:
                        people_services.person_phone_add(actor=actor, person=person,
                                                         number=number)
                        known.add(number)
            relations.append(people_bulk.RelationDraft(
                person=person, unit=values["unit"], role=values["role"],
                start_date=values["start_date"]))
            if len(relations) >= WRITE_BATCH:
                save_batch()
        if relations:
            save_batch()


register_importer("directory-people", PersonImport())
