"""Writes of organisations and their contacts (DIR-3).

Every function takes keyword arguments including ``actor`` (None for system writers such as the
demo generator), runs in one transaction, checks the actor's right at the org unit concerned
and raises ValidationError({"field": [message]}) for input a user can correct. Typed values
are normalised before they are stored: names get their pinyin keys, phones become E.164,
credit codes upper case.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from linli.accounts.models import OrgUnit
from linli.core.events import record_event
from linli.core.permissions import require as _require
from linli.core.personal_data.phones import normalize_phone, parse_phone
from linli.core.tenancy import Tenant
from linli.directory.choices import ContactRole, OrganizationKind
from linli.directory.keys import name_keys
from linli.directory.models import Contact, Organization, Person

# GB 32100-2015: the 31 characters of a unified social credit code (no I, O, S, V, Z) and the
# weights of its first 17 positions; the 18th is the check character.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_LENGTH = 18
_QQ = re.compile(r"[1-9]\d{4,11}")
_WECHAT = re.compile(r"[A-Za-z0-9_-]{6,20}")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
# The parent chain is walked to refuse cycles; real company trees are a few levels deep.
MAX_PARENT_DEPTH = 20


class _Keep:
    """Marks an argument of an update that the caller leaves as it is."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()



def _text(value) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip()


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _model_checks(instance, errors: dict[str, list[str]], exclude: list[str]) -> None:
    """Django's own field checks (lengths, choices) for fields without an error yet."""
    try:
        instance.full_clean(exclude=exclude + list(errors), validate_unique=False,
                            validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)


# --- shared field rules ---------------------------------------------------------------------

def normalize_credit_code(raw: str) -> str:
    """A unified social credit code in upper case, or ValidationError saying what is wrong."""
    code = _text(raw).upper().replace(" ", "")
    if len(code) != CREDIT_CODE_LENGTH:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d.")
            % {"count": len(code)}, code="length",
        )
    wrong = sorted({ch for ch in code if ch not in CREDIT_CODE_CHARS})
    if wrong:
        raise ValidationError(
            _("A unified social credit code uses only digits and the capital letters A–H, "
              "J–N, P–R, T, U and W–Y; “%(chars)s” cannot appear in it.")
            % {"chars": "".join(wrong)}, code="characters",
        )
    total = sum(CREDIT_CODE_CHARS.index(ch) * weight
                for ch, weight in zip(code, CREDIT_CODE_WEIGHTS, strict=False))
    expected = CREDIT_CODE_CHARS[(31 - total % 31) % 31]
    if code[-1] != expected:
        raise ValidationError(
            _("This unified social credit code is not valid: its check character does not "
              "match. Please check it for typing errors."), code="checksum",
        )
    return code


def _phone(raw: str, field: str, errors: dict[str, list[str]]) -> str:
    if not _text(raw):
        return ""
    try:
        return normalize_phone(raw)
    except ValidationError as exc:
        errors.setdefault(field, []).extend(exc.messages)
        return _text(raw)


def _mobile(raw: str, errors: dict[str, list[str]]) -> str:
    value = _phone(raw, "mobile", errors)
    if value and "mobile" not in errors:
        number = parse_phone(value)
        kinds = (phonenumbers.PhoneNumberType.MOBILE,
                 phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
        if number is None or phonenumbers.number_type(number) not in kinds:
            errors["mobile"] = [_("Enter a mobile number, e.g. 138 1234 5678; put a landline "
                                  "in the landline field.")]
    return value


def _email(raw: str, errors: dict[str, list[str]]) -> str:
    value = _text(raw)
    if value:
        try:
            validate_email(value)
        except ValidationError:
            errors.setdefault("email", []).append(
                _("Enter a valid e-mail address, e.g. name@example.com."))
    return value


def _website(raw: str, errors: dict[str, list[str]]) -> str:
    value = _text(raw)
    if not value:
        return ""
    if not _SCHEME.match(value):
        # People type "www.example.com"; the stored address is a full URL.
        value = "https://" + value
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        errors.setdefault("website", []).append(
            _("Enter a valid web address, e.g. https://www.example.com."))
    return value


# --- organisations --------------------------------------------------------------------------

def _check_org_unit(actor, tenant_id: int, org_unit: OrgUnit, permission: str) -> None:
    if org_unit.tenant_id != tenant_id:
        raise ValidationError({"org_unit": [_("Choose a unit of your own organisation.")]})
    if not org_unit.is_active:
        raise ValidationError({"org_unit": [_("Choose an active unit.")]})
    _require(actor, permission, org_unit)


def _parent_error(organization: Organization, parent: Organization | None) -> str | None:
    """Why ``parent`` cannot be the parent company of ``organization``, or None."""
    if parent is None:
        return None
    if parent.tenant_id != organization.tenant_id:
        return _("Choose an organisation of your own company.")
    if parent.merged_into_id is not None:
        return _("This organisation was merged into another one; choose that one instead.")
    if organization.kind == OrganizationKind.MANAGEMENT_OFFICE:
        if parent.kind != OrganizationKind.PROPERTY_COMPANY:
            return _("A management office belongs to a property company; choose a property "
                     "company as its parent.")
    elif parent.kind != organization.kind:
        return _("A branch has the same kind as its parent company; choose an organisation of "
                 "the kind “%(kind)s”.") % {"kind": OrganizationKind(organization.kind).label}
    if organization.pk is not None:
        node, depth = parent, 0
        while node is not None and depth < MAX_PARENT_DEPTH:
            if node.pk == organization.pk:
                return _("An organisation cannot be placed under itself or one of its "
                         "branches.")
            node, depth = node.parent, depth + 1
    return None


def _branch_errors(organization: Organization) -> str | None:
    """A kind change must keep the rule between the organisation and its branches."""
    for branch in Organization.objects.filter(parent=organization).only("kind", "name"):
        allowed = (OrganizationKind.PROPERTY_COMPANY
                   if branch.kind == OrganizationKind.MANAGEMENT_OFFICE else branch.kind)
        if organization.kind != allowed:
            return _("“%(branch)s” is a branch of this organisation and needs it to be of the "
                     "kind “%(kind)s”.") % {"branch": branch.name,
                                           "kind": OrganizationKind(allowed).label}
    return None


def _clean_organization(organization: Organization, check_parent: bool = True) -> None:
    """Normalise the typed fields in place and raise every field error at once.

    ``check_parent`` is False for edits that change neither the kind nor the parent, so a
    parent merged away later does not block editing the branch's other fields."""
    errors: dict[str, list[str]] = {}
    organization.name = _text(organization.name)
    if not organization.name:
        errors["name"] = [_("Enter the organisation's name.")]
    if organization.kind not in OrganizationKind.values:
        errors["kind"] = [_("Choose the kind of organisation.")]
    for field in ("province", "city", "district", "address", "mailing_address"):
        setattr(organization, field, _text(getattr(organization, field)))
    organization.notes = str(organization.notes or "").strip()
    if _text(organization.credit_code):
        try:
            organization.credit_code = normalize_credit_code(organization.credit_code)
        except ValidationError as exc:
            errors["credit_code"] = exc.messages
    else:
        organization.credit_code = ""
    organization.landline = _phone(organization.landline, "landline", errors)
    organization.email = _email(organization.email, errors)
    organization.website = _website(organization.website, errors)
    if "kind" not in errors and check_parent:
        problem = _parent_error(organization, organization.parent)
        if problem:
            errors["parent"] = [problem]
        if organization.pk is not None:
            problem = _branch_errors(organization)
            if problem:
                errors.setdefault("kind", []).append(problem)
    _model_checks(organization, errors,
                  exclude=["tenant", "org_unit", "parent", "name_pinyin", "name_initials"])
    _raise(errors)
    organization.name_pinyin, organization.name_initials = name_keys(
        organization.name, person=False)


@transaction.atomic
def organization_create(
    *, actor, tenant: Tenant, org_unit: OrgUnit, kind: str, name: str,
    parent: Organization | None = None, credit_code: str = "", province: str = "",
    city: str = "", district: str = "", address: str = "", mailing_address: str = "",
    landline: str = "", email: str = "", website: str = "", notes: str = "",
) -> Organization:
    """A new organisation owned by ``org_unit`` (the actor needs directory.add_organization
    there)."""
    if actor is not None and actor.tenant_id != tenant.pk:
        raise PermissionDenied(_("You do not have permission to do this."))
    _check_org_unit(actor, tenant.pk, org_unit, "directory.add_organization")
    organization = Organization(
        tenant=tenant, org_unit=org_unit, kind=kind, name=name, parent=parent,
        credit_code=credit_code, province=province, city=city, district=district,
        address=address, mailing_address=mailing_address, landline=landline, email=email,
        website=website, notes=notes,
    )
    _clean_organization(organization)
    organization.save()
    return organization


@transaction.atomic
def organization_update(
    *, actor, organization: Organization, org_unit=KEEP, kind=KEEP, name=KEEP, parent=KEEP,
    credit_code=KEEP, province=KEEP, city=KEEP, district=KEEP, address=KEEP,
    mailing_address=KEEP, landline=KEEP, email=KEEP, website=KEEP, notes=KEEP,
) -> Organization:
    """Change the given fields (the others stay); a new ``org_unit`` moves the organisation and
    its contacts there, which needs the change right at both units."""
    _require(actor, "directory.change_organization", organization)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    changes = {
        "kind": kind, "name": name, "parent": parent, "credit_code": credit_code,
        "province": province, "city": city, "district": district, "address": address,
        "mailing_address": mailing_address, "landline": landline, "email": email,
        "website": website, "notes": notes,
    }
    before = (organization.kind, organization.parent_id)
    for field, value in changes.items():
        if value is not KEEP:
            setattr(organization, field, value)
    moved = org_unit is not KEEP and org_unit.pk != organization.org_unit_id
    if moved:
        _check_org_unit(actor, organization.tenant_id, org_unit,
                        "directory.change_organization")
        organization.org_unit = org_unit
    _clean_organization(organization,
                        check_parent=(organization.kind, organization.parent_id) != before)
    organization.save()
    if moved:
        # Contacts copy their organisation's unit so that scope checks need no join.
        Contact.objects.filter(organization=organization).update(org_unit=org_unit)
    return organization


# --- contacts -------------------------------------------------------------------------------

def _clean_contact(contact: Contact) -> None:
    errors: dict[str, list[str]] = {}
    contact.name = _text(contact.name)
    if not contact.name:
        errors["name"] = [_("Enter the contact's name.")]
    if contact.role not in ContactRole.values:
        errors["role"] = [_("Choose the contact's role.")]
    contact.title = _text(contact.title)
    contact.address = _text(contact.address)
    contact.mobile = _mobile(contact.mobile, errors)
    contact.landline = _phone(contact.landline, "landline", errors)
    contact.email = _email(contact.email, errors)
    contact.qq = _text(contact.qq)
    if contact.qq and not _QQ.fullmatch(contact.qq):
        errors["qq"] = [_("A QQ number has 5 to 12 digits and does not start with 0.")]
    contact.wechat = _text(contact.wechat)
    if contact.wechat and not _WECHAT.fullmatch(contact.wechat):
        errors["wechat"] = [_("A WeChat ID has 6 to 20 characters: letters, digits, “_” "
                              "and “-”.")]
    if contact.person_id is not None and contact.person.tenant_id != contact.tenant_id:
        errors["person"] = [_("Choose a person of your own company.")]
    if contact.role == ContactRole.LEGAL_REPRESENTATIVE and "role" not in errors:
        others = Contact.objects.filter(organization_id=contact.organization_id,
                                        role=ContactRole.LEGAL_REPRESENTATIVE)
        if contact.pk is not None:
            others = others.exclude(pk=contact.pk)
        holder = others.values_list("name", flat=True).first()
        if holder is not None:
            errors["role"] = [_("%(name)s is already the legal representative of this "
                                "organisation; an organisation has only one.") % {
                                    "name": holder}]
    _model_checks(contact, errors, exclude=["tenant", "org_unit", "organization", "person"])
    _raise(errors)


def _lock(organization: Organization) -> Organization:
    # Locking the organisation serialises contact writes, so two concurrent saves cannot both
    # make someone the legal representative.
    return Organization.objects.select_for_update().get(pk=organization.pk)


@transaction.atomic
def contact_add(
    *, actor, organization: Organization, name: str, role: str = ContactRole.STAFF,
    title: str = "", mobile: str = "", landline: str = "", email: str = "", qq: str = "",
    wechat: str = "", address: str = "", person: Person | None = None,
) -> Contact:
    """A new contact of ``organization`` (directory.add_contact at its unit)."""
    _require(actor, "directory.add_contact", organization)
    organization = _lock(organization)
    contact = Contact(
        tenant_id=organization.tenant_id, org_unit_id=organization.org_unit_id,
        organization=organization, person=person, name=name, role=role, title=title,
        mobile=mobile, landline=landline, email=email, qq=qq, wechat=wechat, address=address,
    )
    _clean_contact(contact)
    contact.save()
    record_event(organization, "contact_added", actor=actor, new=contact.name)
    return contact


@transaction.atomic
def contact_update(
    *, actor, contact: Contact, name=KEEP, role=KEEP, title=KEEP, mobile=KEEP, landline=KEEP,
    email=KEEP, qq=KEEP, wechat=KEEP, address=KEEP, person=KEEP,
) -> Contact:
    """Change the given fields of a contact (directory.change_contact at its unit)."""
    _require(actor, "directory.change_contact", contact)
    _lock(contact.organization)
    contact = Contact.objects.select_related("organization").get(pk=contact.pk)
    changes = {"name": name, "role": role, "title": title, "mobile": mobile,
               "landline": landline, "email": email, "qq": qq, "wechat": wechat,
               "address": address, "person": person}
    for field, value in changes.items():
        if value is not KEEP:
            setattr(contact, field, value)
    _clean_contact(contact)
    contact.save()
    return contact


@transaction.atomic
def contact_remove(*, actor, contact: Contact) -> None:
    """Delete a contact (directory.delete_contact at its unit); the history keeps it."""
    _require(actor, "directory.delete_contact", contact)
    organization = _lock(contact.organization)
    name = contact.name
    contact.delete()
    record_event(organization, "contact_removed", actor=actor, old=name)
