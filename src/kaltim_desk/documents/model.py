"""What each printed paper shows: the frozen input types of the document renderers.

A service assembles one of these (masked NIK, formatted names, the office's letterhead); a renderer in
this package turns it into a PDF and needs nothing else, so the documents never import a service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class SignatoryDoc:
    name: str
    position: str
    rank: str
    nip: str


@dataclass(frozen=True)
class CertificateDoc:
    """Everything one printed certificate shows; the document layer needs nothing else."""

    certificate_id: int
    number: str
    name: str
    nik_masked: str
    birth_place: str
    birth_date: date | None
    training_title: str
    topics: tuple[str, ...]
    organiser: str
    place: str
    start_date: date
    end_date: date
    hours: int
    attendance_percent: int | None
    post_score: int | None
    issued_on: date
    city: str
    government_name: str
    agency_name: str
    address: str
    logo_path: str
    signatory: SignatoryDoc
    verification_code: str
    qr_payload: str
    is_copy: bool


@dataclass(frozen=True)
class CertificateTemplate:
    """The layout choices an office can adjust without a new release (resources/templates/*.json).

    Text fields may use {training_title}, {organiser}, {place}, {dates}, {hours}, {result}, {number},
    {city}, {agency_name}."""

    name: str = "certificate"
    orientation: str = "landscape"  # or "portrait"
    title: str = "SURAT TANDA TAMAT PELATIHAN"
    subtitle: str = "Nomor: {number}"
    given_to: str = "Diberikan kepada:"
    body: str = (
        "telah mengikuti {training_title} yang diselenggarakan oleh {organiser} pada tanggal {dates} "
        "di {place} selama {hours} jam pelajaran (JP)"
    )
    result: str = "dengan hasil: {result}"
    signatory: str = "head"
    show_birth: bool = True
    show_nik: bool = True
    show_topics: bool = True
    show_logo: bool = True
    border_color: str = "#1f4e79"
    copy_mark: str = "SALINAN"
    qr_caption: str = "Kode verifikasi"
    # set from CertificateSettings, not the template file: print on pre-printed blanks at these positions
    preprinted: bool = False
    positions: tuple[tuple[str, float, float], ...] = ()


# --- aid papers: the agreement, the BAST, a receipt, the group summary ---------------------------------


@dataclass(frozen=True)
class ItemDTO:
    id: int
    description: str
    quantity: int
    unit: str
    unit_price: int

    @property
    def line_total(self) -> int:
        return self.quantity * self.unit_price


@dataclass(frozen=True)
class TrancheDTO:
    id: int
    seq: int
    planned_share_pct: int
    planned_amount: int
    paid_on: date | None
    paid_amount: int | None
    bank_reference: str | None
    receipt_number: str | None

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None


@dataclass(frozen=True)
class Letterhead:
    government_name: str
    agency_name: str
    address: str
    phone: str
    email: str
    web: str
    logo_path: str = ""


@dataclass(frozen=True)
class SignatoryDTO:
    name: str
    position: str
    rank: str = ""
    nip: str = ""


# Signatories a document names by role but an office may not have set up: printed with an empty name
# line under the right position rather than under another officer's name.
_UNSET_SIGNATORIES = {"treasurer": SignatoryDTO("", "Bendahara Pengeluaran")}


def _pick(signatories: tuple[tuple[str, SignatoryDTO], ...], key: str) -> SignatoryDTO:
    """The signatory `key` of the office profile; the first one when the key is not set up."""
    for k, s in signatories:
        if k == key:
            return s
    if key in _UNSET_SIGNATORIES:
        return _UNSET_SIGNATORIES[key]
    return signatories[0][1] if signatories else SignatoryDTO("", "")


@dataclass(frozen=True)
class PartyDTO:
    """PIHAK KEDUA: the woman, or the group represented by its chair."""

    name: str  # the person who signs
    nik: str
    position: str  # "Ketua KUBE MAWAR"; empty for an individual (she signs for herself)
    address: str
    group_name: str = ""
    bank_name: str = ""
    bank_account: str = ""
    bank_holder: str = ""


@dataclass(frozen=True)
class MemberLine:
    name: str
    nik: str
    role: str
    business_type: str = ""


@dataclass(frozen=True)
class AidDoc:
    """Everything the agreement, the BAST, a receipt and the group summary print about one grant."""

    grant_id: int
    letterhead: Letterhead
    city: str
    programme_name: str
    budget_year: int
    funding_source: str
    form: str
    amount: int
    amount_words: str
    status: str
    signatories: tuple[tuple[str, SignatoryDTO], ...]  # the office profile's, by key ("head", ...)
    party2: PartyDTO
    items: tuple[ItemDTO, ...]
    tranches: tuple[TrancheDTO, ...]
    members: tuple[MemberLine, ...]
    duty_stamp_threshold: int
    agreement_number: str = ""
    agreement_date: date | None = None
    document_number: str = ""  # BAST / receipt number
    document_date: date | None = None
    tranche: TrancheDTO | None = None  # the receipt's (or the cash BAST's) tranche
    treasury: str = "Kas Daerah"  # where unspent aid goes back (APBN: Kas Negara)
    payment_method: str = "transfer"  # "transfer" or "cash" (DocumentRules)
    payment_wording: str = ""  # "melalui transfer ke rekening BRI 0123 atas nama ..." / "secara tunai"
    duty_stamp: bool | None = None  # meterai on this document (DocumentRules); None: above the threshold
    copy_mark: str = ""  # "SALINAN" on a reprint that is a copy

    @property
    def needs_duty_stamp(self) -> bool:
        if self.duty_stamp is not None:
            return self.duty_stamp
        return self.amount > self.duty_stamp_threshold

    def signatory(self, key: str) -> SignatoryDTO:
        return _pick(self.signatories, key)


@dataclass(frozen=True)
class GroupSummaryDoc:
    letterhead: Letterhead
    city: str
    group_name: str
    village: str
    district: str
    regency: str
    business_type: str
    formed_on: date | None
    status: str
    bank: str
    members: tuple[MemberLine, ...]
    grants: tuple[tuple[str, str, int, str], ...]  # programme, form, amount, status label
    signatories: tuple[tuple[str, SignatoryDTO], ...]
    printed_on: date

    def signatory(self, key: str) -> SignatoryDTO:
        return _pick(self.signatories, key)
