"""Demo stage of the directory: three communities of different types with full hierarchies
(about 3,000 units), about 5,000 people with families and renters, zones with housekeepers,
and the property companies, developers and agents they deal with. Written through the
directory's services, so every derived key is the product's own."""

from __future__ import annotations

import datetime
import random

from linli.accounts.models import User
from linli.demo.generator import DemoContext, register_stage
from linli.directory.choices import (
    CommunityKind,
    ContactRole,
    FamilyRelation,
    OrganizationKind,
    UnitRole,
    UnitStatus,
)
from linli.directory.models import Building, Community, Unit
from linli.directory.services import organizations as org_services
from linli.directory.services import people as people_services
from linli.directory.services import property as property_services

# (name, kind, owning unit key, city, district, buildings: (count, floors, sections,
# units per section per floor), delivery date)
COMMUNITIES = [
    ("翠湖苑", CommunityKind.COMMODITY, "jinhua.cuihu", "杭州市", "西湖区", (22, 26, 2, 2),
     datetime.date(2021, 6, 30)),
    ("枫林湾", CommunityKind.RESETTLEMENT, "jinhua.fenglin", "杭州市", "拱墅区", (12, 11, 2, 3),
     datetime.date(2019, 9, 1)),
    # A villa is a building with one home over its three floors.
    ("云栖别墅", CommunityKind.VILLA, "jinhua.fenglin", "杭州市", "余杭区", (120, 3, 0, 1),
     datetime.date(2023, 5, 1)),
]
SKIP_FLOORS = [4, 13, 14]
OCCUPATIONS = ["教师", "医生", "工程师", "公务员", "个体经营", "企业职员", "退休", "销售",
               "律师", "会计", "程序员", "设计师"]


def directory_stage(ctx: DemoContext) -> None:
    tenant = ctx.tenants["jinhua"]
    if Community.objects.filter(tenant=tenant).exists():  # scoped-query-ok: demo setup
        return
    ctx.report.reused = False
    rng = random.Random(ctx.faker.random.random())  # noqa: S311 (demo data, not secrets)
    orgs = _organizations(ctx)
    housekeepers = _housekeepers(ctx)
    for name, kind, unit_key, city, district, shape, delivered in COMMUNITIES:
        community = property_services.community_create(
            actor=None, org_unit=ctx.units[unit_key], name=name, kind=kind, city=city,
            province="浙江省", district=district,
            address=f"{city}{district}{ctx.faker.street_name()}",
            developer=orgs["developer"], property_company=orgs["property_company"],
            management_office=orgs[unit_key], delivery_date=delivered,
            price_level=rng.choice([18500, 26800, 32000, 45000]),
        )
        _buildings(ctx, community, shape, housekeepers, rng)
        homes = _people(ctx, community, rng)
        ctx.log(f"  community {name}: {homes} units")


def _organizations(ctx: DemoContext) -> dict:
    tenant, root = ctx.tenants["jinhua"], ctx.units["jinhua"]
    made = {}
    made["property_company"] = org_services.organization_create(
        actor=None, tenant=tenant, org_unit=root, kind=OrganizationKind.PROPERTY_COMPANY,
        name="锦华物业服务有限公司", city="杭州市", landline="0571-88886666",
    )
    for key, office in (("jinhua.cuihu", "翠湖苑管理处"), ("jinhua.fenglin", "枫林湾管理处")):
        made[key] = org_services.organization_create(
            actor=None, tenant=tenant, org_unit=ctx.units[key],
            kind=OrganizationKind.MANAGEMENT_OFFICE, name=office, city="杭州市",
            parent=made["property_company"],
        )
    made["developer"] = org_services.organization_create(
        actor=None, tenant=tenant, org_unit=root, kind=OrganizationKind.DEVELOPER,
        name="华庭地产开发有限公司", city="杭州市",
    )
    for name, kind in (("杭州安居装饰工程有限公司", OrganizationKind.DECORATION_COMPANY),
                       ("西湖净水设备商行", OrganizationKind.MERCHANT),
                       ("浙江邻里软件代理有限公司", OrganizationKind.AGENT)):
        organization = org_services.organization_create(
            actor=None, tenant=tenant, org_unit=root, kind=kind, name=name, city="杭州市",
        )
        org_services.contact_add(
            actor=None, organization=organization, name=ctx.faker.name(),
            role=ContactRole.PERSON_IN_CHARGE, mobile=ctx.faker.phone_number(),
            wechat=f"wx_{ctx.faker.user_name()}"[:20],
        )
    return made


def _housekeepers(ctx: DemoContext) -> list[User]:
    return [ctx.users["frontdesk"], ctx.users["manager"]]


def _buildings(ctx, community, shape, housekeepers, rng) -> None:
    count, floors, sections, per_section = shape
    zone_members: list[list[Building]] = [[], []]
    for number in range(1, count + 1):
        building = property_services.building_create(
            actor=None, community=community, number=str(number), floors_above=floors,
        )
        section_numbers = [str(s) for s in range(1, sections + 1)] or None
        villa = community.kind == CommunityKind.VILLA
        property_services.units_generate(
            actor=None, building=building, floors=(1, 1 if villa else floors),
            units_per_floor=per_section,
            sections=section_numbers, skip_floors=SKIP_FLOORS if floors > 12 else (),
            shop_floors=[1] if community.kind == CommunityKind.COMMODITY and number == 1 else (),
            built_area=rng.choice([89, 108, 128, 143]) if floors > 3 else 260,
        )
        zone_members[number % 2].append(building)
    for index, members in enumerate(zone_members):
        if members:
            keeper = housekeepers[index % len(housekeepers)]
            property_services.zone_save(
                actor=None, community=community, name=f"{index + 1}区", housekeeper=keeper,
                public_phone=f"0571-8800{index + 1:04d}", buildings=members,
            )


def _people(ctx, community, rng) -> int:
    tenant = ctx.tenants["jinhua"]
    org_unit = community.org_unit
    faker = ctx.faker
    units = list(Unit.objects.filter(community=community).order_by("pk"))  # scoped-query-ok: demo
    delivered = community.delivery_date
    for unit in units:
        roll = rng.random()
        if roll < 0.08:
            continue  # unsold or vacant homes
        owner = people_services.person_create(
            actor=None, tenant=tenant, org_unit=org_unit, name=faker.name(),
            phones=[faker.phone_number()], id_number=faker.ssn(),
            occupation=rng.choice(OCCUPATIONS), household_size=rng.randint(1, 5),
            is_decision_maker=True,
        )
        people_services.unit_relation_add(actor=None, person=owner, unit=unit,
                                          role=UnitRole.OWNER, start_date=delivered)
        if roll < 0.2:
            renter = people_services.person_create(
                actor=None, tenant=tenant, org_unit=org_unit, name=faker.name(),
                phones=[faker.phone_number()],
            )
            people_services.unit_relation_add(actor=None, person=renter, unit=unit,
                                              role=UnitRole.RENTER, start_date=delivered)
            status = UnitStatus.RENTED
        else:
            status = UnitStatus.OCCUPIED if roll < 0.85 else UnitStatus.DELIVERED
            if roll < 0.55:
                spouse = people_services.person_create(
                    actor=None, tenant=tenant, org_unit=org_unit, name=faker.name(),
                    phones=[faker.phone_number()],
                )
                people_services.unit_relation_add(actor=None, person=spouse, unit=unit,
                                                  role=UnitRole.RESIDENT, start_date=delivered)
                people_services.family_relation_add(actor=None, person=spouse, relative=owner,
                                                    kind=FamilyRelation.SPOUSE)
            if roll < 0.45:
                child = people_services.person_create(
                    actor=None, tenant=tenant, org_unit=org_unit,
                    name=owner.name[0] + faker.first_name(),
                )
                people_services.unit_relation_add(actor=None, person=child, unit=unit,
                                                  role=UnitRole.RESIDENT, start_date=delivered)
                people_services.family_relation_add(actor=None, person=child, relative=owner,
                                                    kind=FamilyRelation.CHILD)
        property_services.unit_set_status(actor=None, unit=unit, status=status)
    return len(units)


register_stage("directory", directory_stage)
