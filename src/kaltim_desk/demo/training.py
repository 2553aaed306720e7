"""Demo trainings: two finished ones with attendance and certificates (one revoked) and one still to
come, so the Pelatihan page, the attendance grid, printing and `verify` all have something real."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from kaltim_desk.services.training import attendance, certificates, trainings
from kaltim_desk.services.training.trainings import SessionInput, TrainerInput, TrainingInput

if TYPE_CHECKING:
    from kaltim_desk.demo.context import DemoContext

ORGANISER = "Dinas Sosial Provinsi Kalimantan Timur"


def _sessions(start: date, topics: list[tuple[str, int]]) -> tuple[SessionInput, ...]:
    return tuple(SessionInput(start + timedelta(days=i), t, h) for i, (t, h) in enumerate(topics))


def _attend(ctx: DemoContext, training_id: int, present: float, excused: float) -> None:
    """A realistic mix: most attend, some miss a day with leave, a few drop out."""
    grid = attendance.attendance_grid(ctx.session, training_id)
    marks: dict[tuple[int, int], str | None] = {}
    for p in grid.participants:
        drop_out = ctx.rng.random() < 0.08
        for i, s in enumerate(grid.sessions):
            r = ctx.rng.random()
            if drop_out and i >= 2:
                status = "absent"
            elif r < present:
                status = "present"
            elif r < present + excused:
                status = "excused"
            else:
                status = "absent"
            marks[(p.id, s.id)] = status
    attendance.set_marks(ctx.session, training_id, marks)
    for p in grid.participants:
        pre = ctx.rng.randrange(35, 70)
        trainings.set_scores(ctx.session, p.id, pre, min(100, pre + ctx.rng.randrange(5, 35)))


def populate(ctx: DemoContext) -> None:
    s, rng = ctx.session, ctx.rng
    today = date.today()

    start1 = today - timedelta(days=70)
    t1 = trainings.create_training(
        s,
        TrainingInput(
            title="Pelatihan Manajemen Usaha dan Literasi Keuangan KUBE",
            start_date=start1,
            end_date=start1 + timedelta(days=4),
            topics=("Manajemen usaha", "Literasi keuangan"),
            organiser=ORGANISER,
            place="Aula Dinas Sosial Provinsi Kalimantan Timur, Samarinda",
            trainers=(
                TrainerInput("Dr. Rina Wulandari, S.E., M.M.", "Universitas Mulawarman"),
                TrainerInput("Agus Salim, S.E.", "OJK Kalimantan Timur"),
            ),
            sessions=_sessions(
                start1,
                [
                    ("Pembukaan dan dinamika kelompok", 4),
                    ("Perencanaan usaha", 8),
                    ("Pencatatan keuangan sederhana", 8),
                    ("Menabung dan mengelola pinjaman", 6),
                    ("Praktik dan rencana tindak lanjut", 6),
                ],
            ),
        ),
    )
    groups = ctx.active_group_ids[:3]
    for gid in groups:
        trainings.enroll_group(s, t1.id, gid)
    _attend(ctx, t1.id, present=0.88, excused=0.06)
    trainings.set_status(s, t1.id, "finished")
    issued1 = certificates.issue_for_training(s, t1.id, issued_on=start1 + timedelta(days=7)).issued
    if len(issued1) > 1:  # a misspelt name: revoked, the name corrected, a new certificate issued
        certificates.revoke(
            s, issued1[-1].id, "Salah tulis nama peserta; diterbitkan ulang setelah data diperbaiki"
        )
        certificates.issue_for_training(s, t1.id, issued_on=start1 + timedelta(days=9))

    start2 = today - timedelta(days=25)
    t2 = trainings.create_training(
        s,
        TrainingInput(
            title="Pelatihan Keterampilan Produksi Kue dan Jajanan",
            start_date=start2,
            end_date=start2 + timedelta(days=3),
            topics=("Keterampilan produk", "Pemasaran"),
            organiser=ORGANISER,
            place="Balai Latihan Kerja Samarinda",
            trainers=(TrainerInput("Hj. Nurul Aini", "Asosiasi Pengusaha Kue Samarinda"),),
            sessions=_sessions(
                start2,
                [
                    ("Kebersihan dan keamanan pangan", 4),
                    ("Praktik kue basah", 8),
                    ("Praktik kue kering dan kemasan", 8),
                    ("Harga pokok dan pemasaran", 4),
                ],
            ),
        ),
    )
    in_groups: set[int] = {p.person_id for p in attendance.attendance_grid(s, t1.id).participants}
    singles = [pid for pid in ctx.person_ids if pid not in in_groups]
    trainings.enroll_people(s, t2.id, rng.sample(singles, min(18, len(singles))))
    _attend(ctx, t2.id, present=0.8, excused=0.08)
    trainings.set_status(s, t2.id, "finished")
    certificates.issue_for_training(s, t2.id, issued_on=start2 + timedelta(days=5))

    start3 = today + timedelta(days=14)
    t3 = trainings.create_training(
        s,
        TrainingInput(
            title="Pelatihan Pemasaran Digital untuk Usaha Mikro",
            start_date=start3,
            end_date=start3 + timedelta(days=2),
            topics=("Pemasaran",),
            organiser=ORGANISER,
            place="Kantor Kecamatan Samarinda Ulu",
            trainers=(TrainerInput("Fajar Ramadhan, S.Kom.", "Rumah BUMN Samarinda"),),
            sessions=_sessions(
                start3,
                [("Foto produk dengan ponsel", 4), ("Berjualan di lokapasar", 4), ("Melayani pembeli", 4)],
            ),
        ),
    )
    if len(ctx.active_group_ids) > 3:
        trainings.enroll_group(s, t3.id, ctx.active_group_ids[3])
    ctx.training_ids = [t1.id, t2.id, t3.id]
