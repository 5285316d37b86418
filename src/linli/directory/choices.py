"""Choices of the directory, with their UI badge colours."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CommunityKind(models.TextChoices):
    COMMODITY = "commodity", _("Commodity housing")
    RESETTLEMENT = "resettlement", _("Resettlement housing")
    FUND_RAISED = "fund_raised", _("Fund-raised housing")
    RENTAL = "rental", _("Rental housing")
    VILLA = "villa", _("Villa")
    OFFICE = "office", _("Office")


class UnitStatus(models.TextChoices):
    UNSOLD = "unsold", _("Unsold")
    SOLD = "sold", _("Sold")
    DELIVERED = "delivered", _("Delivered")
    OCCUPIED = "occupied", _("Occupied")
    RENTED = "rented", _("Rented")
    VACANT = "vacant", _("Vacant")

    @property
    def badge(self) -> str:
        return UNIT_STATUS_BADGES[self.value]


UNIT_STATUS_BADGES = {
    "unsold": "secondary", "sold": "azure", "delivered": "cyan", "occupied": "green",
    "rented": "purple", "vacant": "yellow",
}


class DecorationStatus(models.TextChoices):
    BARE = "bare", _("Bare shell")
    BASIC = "basic", _("Basic finish")
    FURNISHED = "furnished", _("Fully furnished")
    RENOVATING = "renovating", _("Being renovated")


class Orientation(models.TextChoices):
    SOUTH = "south", _("South")
    NORTH_SOUTH = "north_south", _("North–south through")
    EAST = "east", _("East")
    WEST = "west", _("West")
    NORTH = "north", _("North")
    SOUTH_EAST = "south_east", _("South-east")
    SOUTH_WEST = "south_west", _("South-west")
    NORTH_EAST = "north_east", _("North-east")
    NORTH_WEST = "north_west", _("North-west")
    EAST_WEST = "east_west", _("East–west through")


class UnitUse(models.TextChoices):
    RESIDENTIAL = "residential", pgettext_lazy("unit use", "Home")
    SHOP = "shop", _("Shop")
    OFFICE = "office", _("Office")
    PARKING = "parking", _("Parking space")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    UNKNOWN = "", _("Unknown")


class UnitRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    CO_OWNER = "co_owner", _("Co-owner")
    RESIDENT = "resident", _("Resident")
    RENTER = "renter", _("Renter")

    @property
    def badge(self) -> str:
        return {"owner": "blue", "co_owner": "azure", "resident": "green",
                "renter": "purple"}[self.value]


class FamilyRelation(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other relative")


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", _("Mobile")
    HOME = "home", pgettext_lazy("phone kind", "Home")
    WORK = "work", _("Work")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")
    EMAIL = "email", _("E-mail")
    VISIT = "visit", _("Visit")


class Purpose(models.TextChoices):
    SELF_USE = "self_use", _("Self-use")
    INVESTMENT = "investment", _("Investment")


class IncomeBand(models.TextChoices):
    LOW = "low", _("Below 5,000 per month")
    LOWER_MIDDLE = "lower_middle", _("5,000–10,000 per month")
    MIDDLE = "middle", _("10,000–30,000 per month")
    HIGH = "high", _("Above 30,000 per month")


class OrganizationKind(models.TextChoices):
    PROPERTY_COMPANY = "property_company", _("Property company")
    MANAGEMENT_OFFICE = "management_office", _("Management office")
    DEVELOPER = "developer", _("Developer")
    AGENT = "agent", _("Agent")
    MERCHANT = "merchant", _("Merchant")
    DECORATION_COMPANY = "decoration_company", _("Decoration company")


class ContactRole(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    PERSON_IN_CHARGE = "person_in_charge", _("Person in charge")
    STAFF = "staff", _("Staff")
