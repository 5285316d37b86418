"""The units import: units of existing communities, one row per unit; missing buildings,
sections and layouts are created, room codes must be new."""

from __future__ import annotations

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
from linli.core.exchange.parsers import decimal, integer, text
from linli.directory.choices import Orientation, UnitStatus, UnitUse
from linli.directory.importers.cells import (
    BUILDING_SUFFIX,
    COMMUNITY_COLUMN,
    ORIENTATION_WORDS,
    ROOM_SUFFIX,
    SECTION_SUFFIX,
    STATUS_WORDS,
    USE_WORDS,
    choice_or_word,
    fold,
    no_community,
    stripped,
)
from linli.directory.keys import room_code
from linli.directory.models import Building, Community
from linli.directory.selectors import exchange as lookups
from linli.directory.services import property as property_services


@dataclass
class _CommunityUnits:
    """What the units import knows about one community while it checks and writes."""

    buildings: dict[str, Building]
    sections: dict
    layouts: dict
    codes: set[str]
    # Buildings, sections and layouts the file creates: their floors grow with the rows.
    new_buildings: set[str] = field(default_factory=set)
    file_codes: dict[str, int] = field(default_factory=dict)


class UnitImport(ImportDefinition):
    name = gettext_lazy("Units")
    description = gettext_lazy(
        "Units of existing communities, one row per unit. Missing buildings, sections and "
        "layouts are created; existing units are not changed."
    )
    permission = "directory.add_unit"
    columns = [
        COMMUNITY_COLUMN,
        ImportColumn(
            "building", gettext_lazy("Building"), required=True,
            parser=stripped(BUILDING_SUFFIX, 20),
            aliases=("楼栋", "楼号", "楼栋号", "栋", "楼"), example="3",
            help_text=gettext_lazy("The building number: 3, 3栋, 3号楼 and 3# all mean 3. A "
                                   "missing building is created."),
        ),
        ImportColumn(
            "section", gettext_lazy("Section"), parser=stripped(SECTION_SUFFIX, 20),
            aliases=("单元", "单元号"), example="2",
            help_text=gettext_lazy("The section (单元) number; leave empty for buildings without "
                                   "sections. A missing section is created."),
        ),
        ImportColumn(
            "number", gettext_lazy("Room number"), required=True,
            parser=stripped(ROOM_SUFFIX, 20), aliases=("房号", "房间号", "室号", "room"),
            example="1502", help_text=gettext_lazy("The room number within the building."),
        ),
        ImportColumn(
            "floor", gettext_lazy("Floor"), required=True, parser=integer(-10, 200),
            aliases=("楼层", "所在楼层", "层"), example="15",
            help_text=gettext_lazy("Basements are -1, -2, …; there is no floor 0."),
        ),
        ImportColumn(
            "use", gettext_lazy("Use"), parser=choice_or_word(UnitUse.choices, USE_WORDS),
            aliases=("用途", "房屋用途"), example="住宅", default=UnitUse.RESIDENTIAL,
            help_text=gettext_lazy("住宅, 商铺, 办公 or 车位 (home, shop, office, parking "
                                   "space); empty means home."),
        ),
        ImportColumn(
            "built_area", gettext_lazy("Built area (m²)"),
            parser=decimal(2, min_value=0), aliases=("建筑面积", "面积"), example="89.50",
            default=None,
        ),
        ImportColumn(
            "measured_area", gettext_lazy("Measured area (m²)"),
            parser=decimal(2, min_value=0), aliases=("实测面积", "套内面积"), example="72.30",
            default=None,
        ),
        ImportColumn(
            "layout", gettext_lazy("Layout"), parser=text(50), aliases=("户型", "户型名称"),
            example="A户型", help_text=gettext_lazy("The floor-plan type; a missing one is "
                                                    "created with this name."),
        ),
        ImportColumn(
            "orientation", gettext_lazy("Orientation"),
            parser=choice_or_word(Orientation.choices, ORIENTATION_WORDS),
            aliases=("朝向",), example="南北通透",
        ),
        ImportColumn(
            "status", gettext_lazy("Status"),
            parser=choice_or_word(UnitStatus.choices, STATUS_WORDS),
            aliases=("状态", "房屋状态"), example="已入住", default=UnitStatus.UNSOLD,
            help_text=gettext_lazy("未售, 已售, 已交付, 已入住, 出租 or 空置; empty means "
                                   "unsold."),
        ),
    ]
    notes = [
        gettext_lazy("The room code is made from building, section and room number, e.g. "
                     "3-2-1502; it must be new in its community and appear once in the file."),
        gettext_lazy("A building the file creates gets as many floors as its highest row "
                     "needs; rows for an existing building must fit its floors."),
    ]

    def prepare(self, context: ImportContext) -> None:
        context.cache.update(communities=lookups.communities_by_name(context.actor),
                             states={}, may={})

    def _state(self, community: Community, context: ImportContext) -> _CommunityUnits:
        states = context.cache["states"]
        if community.pk not in states:
            states[community.pk] = _CommunityUnits(
                buildings=lookups.buildings_of(community),
                sections=lookups.sections_of(community),
                layouts=lookups.layouts_of(community),
                codes=lookups.room_codes_of(community),
            )
        return states[community.pk]

    def _may(self, permission: str, community: Community, context: ImportContext) -> bool:
        key = (permission, community.pk)
        if key not in context.cache["may"]:
            context.cache["may"][key] = context.actor.has_perm(permission, community)
        return context.cache["may"][key]

    def validate_row(self, values: dict[str, Any], context: ImportContext) -> dict[str, Any]:
        community = context.cache["communities"].get(fold(values["community"]))
        if community is None:
            raise no_community(values["community"])
        if not self._may("directory.add_unit", community, context):
            raise ValidationError({"community": _("You may not add units to this community.")})
        state = self._state(community, context)
        errors: dict[str, str] = {}
        number, floor = values["building"], values["floor"]
        building = state.buildings.get(number)
        if building is None and number not in state.new_buildings:
            if self._may("directory.add_building", community, context):
                state.new_buildings.add(number)
            else:
                errors["building"] = _(
                    "There is no building %(number)s in this community, and you may not add "
                    "buildings.") % {"number": number}
        if floor == 0:
            errors["floor"] = _("There is no floor 0; basements are -1, -2, …")
        elif building is not None and number not in state.new_buildings and not (
                -building.floors_below <= floor <= building.floors_above):
            errors["floor"] = _(
                "Floor %(floor)d is outside building %(building)s (%(low)d to %(high)d)."
            ) % {"floor": floor, "building": number,
                 "low": -building.floors_below if building.floors_below else 1,
                 "high": building.floors_above}
        section_known = building is not None and (building.pk, values["section"]) in \
            state.sections
        if values["section"] and not section_known and not self._may(
                "directory.add_section", community, context):
            errors["section"] = _("There is no section %(number)s in building %(building)s, "
                                  "and you may not add sections.") % {
                "number": values["section"], "building": number}
        if values["layout"] and values["layout"] not in state.layouts and not self._may(
                "directory.add_layout", community, context):
            errors["layout"] = _("There is no layout “%(name)s” in this community, and you "
                                 "may not add layouts.") % {"name": values["layout"]}
        code = room_code(number, values["section"], values["number"])
        if code in state.codes:
            errors["number"] = _("Room %(code)s already exists in %(community)s.") % {
                "code": code, "community": community.name}
        elif code in state.file_codes:
            errors["number"] = _("Room %(code)s is also in row %(row)d of this file.") % {
                "code": code, "row": state.file_codes[code]}
        if errors:
            raise ValidationError(errors)
        state.file_codes[code] = context.row
        return {**values, "community": community}

    def _building(self, values: dict, state: _CommunityUnits, context: ImportContext
                  ) -> Building:
        number, floor = values["building"], values["floor"]
        building = state.buildings.get(number)
        if building is None:
            building = property_services.building_create(
                actor=context.actor, community=values["community"], number=number,
                floors_above=max(floor, 1), floors_below=max(-floor, 0),
            )
            state.buildings[number] = building
        elif number in state.new_buildings and floor > building.floors_above:
            building = property_services.building_update(actor=context.actor,
                                                         building=building, floors_above=floor)
        elif number in state.new_buildings and -floor > building.floors_below:
            building = property_services.building_update(actor=context.actor,
                                                         building=building, floors_below=-floor)
        return building

    def write(self, rows: Iterable[ImportRow], context: ImportContext) -> None:
        actor = context.actor
        for row in rows:
            values = row.values
            community = values["community"]
            state = self._state(community, context)
            building = self._building(values, state, context)
            section = None
            if values["section"]:
                key = (building.pk, values["section"])
                section = state.sections.get(key)
                if section is None:
                    section = state.sections[key] = property_services.section_create(
                        actor=actor, building=building, number=values["section"])
            layout = None
            if values["layout"]:
                layout = state.layouts.get(values["layout"])
                if layout is None:
                    layout = state.layouts[values["layout"]] = property_services.layout_save(
                        actor=actor, community=community, name=values["layout"])
            property_services.unit_create(
                actor=actor, building=building, floor=values["floor"], number=values["number"],
                section=section, use=values["use"], built_area=values["built_area"],
                measured_area=values["measured_area"], layout=layout,
                orientation=values["orientation"], status=values["status"],
            )


register_importer("directory-units", UnitImport())
