"""The rules the printed aid documents follow, as an office setting (section "documents") with the
defaults the regulations give, so an office whose practice differs changes a setting, not the code:

- meterai (UU 10/2020): agreements always carry the Rp10.000 duty stamp whatever their amount (an
  agreement is a civil contract); receipts only above Rp5.000.000 (`AidRules.duty_stamp_threshold`);
  BAST never;
- the receipt's paying treasurer ("Lunas dibayar") and approving officer, by signatory key;
- the treasury unspent money goes back to, by fund source (APBN: Kas Negara; APBD: Kas Daerah);
- the payment wording by method: a transfer to the recipient's account, or cash handed over;
- who may print an original again: the first print of an issued document is the original, later
  prints are marked SALINAN; a user whose role is in `reprint_original_roles` (officer and admin by
  default) may ask for an original again (a spoilt or lost original), and that print is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from kaltim_desk.core.errors import DomainError
from kaltim_desk.core.settings import load_section
from kaltim_desk.models.vocabulary import UserRole

DUTY_STAMP_ALWAYS, DUTY_STAMP_ABOVE, DUTY_STAMP_NEVER = "always", "above", "never"


@dataclass(frozen=True)
class DocumentRules:
    SECTION = "documents"

    # per document kind: "always", "above" (the receipt threshold of AidRules) or "never"
    duty_stamp: dict[str, str] = field(
        default_factory=lambda: {"agreement": "always", "receipt": "above", "handover": "never"}
    )
    # treasury unspent aid returns to, by programme fund source
    treasury: dict[str, str] = field(
        default_factory=lambda: {"APBN": "Kas Negara", "APBD": "Kas Daerah", "APBD-P": "Kas Daerah"}
    )
    # how the money reaches the recipient: "transfer" (to the account on record) or "cash"
    payment_method: str = "transfer"
    payment_wording: dict[str, str] = field(
        default_factory=lambda: {
            "transfer": "melalui transfer ke rekening {bank}",
            "cash": "secara tunai",
        }
    )
    # signatory keys of the office profile on receipts
    receipt_approver: str = "head"
    receipt_treasurer: str = "treasurer"
    # roles that may ask for an original again; every other reprint is a SALINAN
    reprint_original_roles: tuple[str, ...] = (UserRole.OFFICER, UserRole.ADMIN)


def document_rules(session: Session) -> DocumentRules:
    return load_section(session, DocumentRules)


def check_original_reprint(rules: DocumentRules, role: str, what: str) -> None:
    """Refuse an original reprint to a role the office does not allow (clear message, nothing printed)."""
    if role not in rules.reprint_original_roles:
        raise DomainError(
            "original_refused",
            f"Cetak ulang {what} sebagai ASLI hanya boleh oleh peran: "
            f"{', '.join(rules.reprint_original_roles) or '-'}; cetak tanpa pilihan asli untuk SALINAN.",
        )


def needs_duty_stamp(rules: DocumentRules, kind: str, amount: int, threshold: int) -> bool:
    """Whether document `kind` of `amount` carries a meterai under the office's rules."""
    rule = rules.duty_stamp.get(kind, DUTY_STAMP_NEVER)
    if rule == DUTY_STAMP_ALWAYS:
        return True
    if rule == DUTY_STAMP_ABOVE:
        return amount > threshold
    return False


def treasury_for(rules: DocumentRules, funding_source: str) -> str:
    """The treasury of `funding_source` ("APBN" -> Kas Negara); APBD sources default to Kas Daerah."""
    return rules.treasury.get(funding_source) or (
        "Kas Negara" if funding_source.upper().startswith("APBN") else "Kas Daerah"
    )
