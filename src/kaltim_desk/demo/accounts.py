"""The demo office's accounts, one per role, with their documented passwords (docs/SECURITY.md): the
data alone, so the first-run wizard and the login dialog can list them without the user services that
create them (`demo.users`)."""

from __future__ import annotations

from kaltim_desk.vocabulary import UserRole

# username, display name, role, password
DEMO_ACCOUNTS = (
    ("admin", "DEMO Admin Kantor", UserRole.ADMIN, "demo-admin"),
    ("pejabat", "DEMO Kepala Seksi", UserRole.OFFICER, "demo-pejabat"),
    ("operator", "DEMO Operator Kecamatan", UserRole.CLERK, "demo-operator"),
    ("pelatih", "DEMO Pelatih/Pendamping", UserRole.TRAINER, "demo-pelatih"),
)
