"""Builders of editions, distributions and subsidies for tests, made through the services."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from linli.outreach import services
from linli.outreach.models import DistributionChannel
from tests.outreach.builders import make_agent, make_partner

DISTRIBUTOR = [
    "outreach.view_partner", "outreach.view_agent", "outreach.view_edition",
    "outreach.add_edition", "outreach.view_distribution", "outreach.add_distribution",
    "outreach.change_distribution", "outreach.view_distributionrecipient",
    "outreach.view_distributionchannel", "outreach.view_promotion",
    "outreach.change_promotion", "outreach.view_campaign", "outreach.view_calltask",
    "outreach.call_calltask", "outreach.view_subsidyrule", "outreach.add_subsidyrule",
    "outreach.view_subsidystatement", "outreach.add_subsidystatement",
    "outreach.approve_subsidystatement", "outreach.view_subsidyline",
    "outreach.view_partnerfilter",
]


def pdf(name: str = "handbook.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% handbook\n", content_type="application/pdf")


def channel(world, code: str, tenant=None) -> DistributionChannel:
    tenant = tenant or world.tenant
    services.channels_install(tenant=tenant)
    return DistributionChannel.objects.get(tenant=tenant, code=code)


def make_edition(world, title: str = "物业管理软件产品手册 V3", month=dt.date(2026, 6, 1),
                 kind: str = "handbook", **fields):
    fields.setdefault("version", "3" if kind == "handbook" else "")
    return services.edition_create(actor=None, tenant=world.tenant, org_unit=world.root,
                                   kind=kind, title=title, month=month, **fields)


def make_targets(world):
    """An agent with two signed companies and one signed office (with e-mail addresses), a
    quality unsigned company, an ordinary prospect and an opted-out signed company."""
    agent = make_agent(world, "闽运代理")
    signed = [make_partner(world, f"签约物业{n}", agent=agent, email=f"pm{n}@example.cn")
              for n in range(2)]
    office = services.partner_create(actor=None, tenant=world.tenant, org_unit=world.branch_a,
                                     kind="management_office", name="榕城小区管理处",
                                     city="福州市",
                                     agent=agent, signing_status="signed",
                                     email="office@example.cn")
    quality = make_partner(world, "优质意向物业", signing_status="prospective", agent=agent,
                           qualification="grade_1", households=3000, occupancy_rate=80)
    make_partner(world, "普通意向物业", signing_status="prospective", agent=agent)
    make_partner(world, "退订物业", agent=agent, opted_out=True)
    return agent, [*signed, office, quality]
