"""A service desk to test with: tenant A's branch A runs a community with departments, staff
of every desk role, the seed configuration (levels, matrix, categories, routing) and a unit
with its owner."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from PIL import Image

from linli.accounts.models import OrgUnit, User
from linli.directory.models import Community, Person, Unit
from linli.servicedesk.models import Category
from linli.servicedesk.services import servicedesk_defaults_install
from tests.builders import make_unit, make_user
from tests.directory.builders import make_building, make_community, make_person
from tests.directory.builders import make_unit as make_room

SEE = ["servicedesk.view_workorder", "servicedesk.view_callback", "servicedesk.view_contactlog",
       "servicedesk.view_category", "directory.view_person", "directory.view_unit",
       "directory.view_community", "directory.view_building",
       "servicedesk.view_knowledgearticle", "servicedesk.view_knowledgecategory"]
KB_AUTHOR = ["servicedesk.add_knowledgearticle", "servicedesk.change_knowledgearticle"]
KB_EDITOR = [*KB_AUTHOR, "servicedesk.publish_knowledgearticle",
             "servicedesk.add_knowledgecategory", "servicedesk.change_knowledgecategory"]
FRONT_DESK = [*SEE, "servicedesk.add_workorder", "servicedesk.change_workorder",
              "servicedesk.dispatch_workorder", "servicedesk.verify_workorder",
              "servicedesk.callback_workorder", "servicedesk.add_contactlog", *KB_AUTHOR]
SUPERVISOR = [*SEE, "servicedesk.change_workorder", "servicedesk.assign_workorder",
              "servicedesk.work_workorder"]
TECHNICIAN = ["servicedesk.view_workorder", "servicedesk.work_workorder"]
# The desk sees the family and unit relations of callers too.
DESK = [*FRONT_DESK, "directory.view_unitrelation", "directory.view_personrelation"]
MANAGER = [*FRONT_DESK, "servicedesk.approve_workorder", "servicedesk.assign_workorder",
           *KB_EDITOR]


@dataclass
class Desk:
    world: object
    community: Community
    unit: Unit
    owner: Person
    departments: dict[str, OrgUnit]
    frontdesk: User
    supervisor: User
    technician: User
    plumber: User
    security_chief: User
    manager: User

    def category(self, name: str) -> Category:
        return Category.objects.get(tenant=self.world.tenant, name=name)


def make_desk(world) -> Desk:
    office = world.branch_a
    departments = {"engineering": world.team_a1,
                   "service": make_unit(office, "客服部", kind="department"),
                   "security": make_unit(office, "秩序部", kind="department"),
                   "environment": make_unit(office, "环境部", kind="department"),
                   "finance": make_unit(office, "财务部", kind="department")}
    community = make_community(world, "翠湖苑")
    building = make_building(community, "3", floors=18, sections=["1", "2"])
    unit = make_room(building, floor=15, number="1502", section=building.sections.get(number="2"))
    owner = make_person(world, "王建国", phones=["13812341502"])
    from linli.directory.services.people import unit_relation_add

    unit_relation_add(actor=None, person=owner, unit=unit, role="owner")
    tenant = world.tenant
    desk = Desk(
        world=world, community=community, unit=unit, owner=owner, departments=departments,
        frontdesk=make_user(tenant, office, FRONT_DESK, username="desk.li", display_name="李前台"),
        supervisor=make_user(tenant, departments["engineering"], SUPERVISOR,
                             username="eng.zhao", display_name="赵主管"),
        technician=make_user(tenant, departments["engineering"], TECHNICIAN,
                             username="tech.sun", display_name="孙师傅"),
        plumber=make_user(tenant, departments["engineering"], TECHNICIAN,
                          username="tech.qian", display_name="钱师傅"),
        security_chief=make_user(tenant, departments["security"], SUPERVISOR,
                                 username="sec.zhou", display_name="周队长"),
        manager=make_user(tenant, office, MANAGER, username="pm.wu", display_name="吴经理"),
    )
    servicedesk_defaults_install(actor=None, tenant=tenant, departments=departments)
    return desk


def make_article(desk: Desk, title: str, body: str, *, shelf: str = "renovation",
                 keywords: str = "", publish: bool = True, owner: User | None = None,
                 communities: list | None = None):
    """A knowledge-base article of the desk's tenant, written by ``owner`` (the front desk by
    default) and published by the manager unless ``publish`` is False."""
    from linli.servicedesk import services
    from linli.servicedesk.models import KnowledgeCategory

    tenant = desk.world.tenant
    article = services.knowledge_article_create(
        actor=owner or desk.frontdesk, tenant=tenant, title=title, body=body,
        keywords=keywords, category=KnowledgeCategory.objects.get(tenant=tenant, code=shelf),
        all_communities=communities is None, communities=communities or [])
    if publish:
        services.knowledge_article_publish(article, actor=desk.manager)
    return article


def small_jpeg(width: int = 64, height: int = 48, orientation: int | None = None) -> io.BytesIO:
    """A photo as a phone uploads it (``orientation``: the EXIF turn the camera wrote)."""
    image = Image.new("RGB", (width, height), (200, 80, 40))
    out = io.BytesIO()
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "JPEG")
    out.seek(0)
    out.name = "photo.jpg"
    out.size = len(out.getvalue())
    return out


def signature_png(blank: bool = False) -> str:
    """A signature drawn on a canvas, as the canvas gives it (a PNG data URL)."""
    image = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    if not blank:
        for x in range(20, 280):
            image.putpixel((x, 60 + (x % 20)), (0, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
