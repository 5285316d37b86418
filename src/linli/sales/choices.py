"""Choices of sales deals (SAL-3) that are not states: kinds of payment plan, of plan line,
payment methods and kinds of subscription change."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanKind(models.TextChoices):
    FULL = "full", _("Full payment")
    INSTALMENTS = "instalments", _("Instalments")
    MORTGAGE = "mortgage", _("Mortgage")


class LineKind(models.TextChoices):
    FULL = "full", _("Full payment")
    INSTALMENT = "instalment", _("Instalment")
    DOWN_PAYMENT = "down_payment", _("Down payment")
    LOAN = "loan", _("Mortgage loan")
    SETTLEMENT = "settlement", _("Area settlement")


class PaymentMethod(models.TextChoices):
    DEPOSIT = "deposit", _("Subscription deposit carried over")
    TRANSFER = "transfer", _("Bank transfer")
    CARD = "card", _("Card")
    LOAN = "loan", _("Bank loan disbursement")
    CASH = "cash", _("Cash")


class ChangeKind(models.TextChoices):
    UNIT = "unit", _("Change of unit")
    PRICE = "price", _("Change of price")
    BUYER = "buyer", _("Change of buyer name")
