"""Builders of outreach data for tests: agents and partner companies made through the services."""

from __future__ import annotations

from linli.outreach import services

OPERATOR = [
    "outreach.view_partner", "outreach.add_partner", "outreach.change_partner",
    "outreach.view_agent", "outreach.add_agent", "outreach.change_agent",
    "outreach.view_partnerfilter", "outreach.add_partnerfilter",
    "directory.view_organization", "directory.add_organization",
    "directory.change_organization", "directory.view_contact", "directory.add_contact",
]


def make_agent(world, name: str, city: str = "福州市", status: str = "operating",
               unit=None, **fields):
    return services.agent_create(actor=None, tenant=world.tenant,
                                 org_unit=unit or world.branch_a, name=name, city=city,
                                 status=status, **fields)


def make_partner(world, name: str, city: str = "福州市", agent=None,
                 signing_status: str = "signed", unit=None, **fields):
    return services.partner_create(actor=None, tenant=world.tenant,
                                   org_unit=unit or world.branch_a, kind="property_company",
                                   name=name, city=city, agent=agent,
                                   signing_status=signing_status, **fields)
