"""Newsletter sending: messages per second of the portal's sender (claims and delivery
records included) against raw smtplib sending the same pre-rendered messages over one
connection, to the same local SMTP sink in the same run; and the sender's peak memory at
two sizes (it must not grow with the number of recipients).

    python -m bench newsletter            # 10,000 recipients
    BENCH_NEWSLETTER_RECIPIENTS=2000 python -m bench newsletter
"""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
import time
import tracemalloc
from email.utils import parseaddr

from bench.common import BASE_DIR, PYTHON, bench_database, free_port, report, setup_django

RECIPIENTS = int(os.environ.get("BENCH_NEWSLETTER_RECIPIENTS", "10000"))
MEMORY_SIZES = (RECIPIENTS // 5, RECIPIENTS)


def _sink(port: int) -> None:
    """An SMTP server that accepts and counts everything (a separate process)."""
    import asyncio

    from aiosmtpd.controller import Controller

    class Handler:
        count = 0

        async def handle_DATA(self, server, session, envelope):
            Handler.count += 1
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        asyncio.run(asyncio.sleep(10**6))
    finally:
        controller.stop()


def _start_sink() -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [PYTHON, "-m", "bench.bench_newsletter", "--sink", str(port)],
        cwd=BASE_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "ready"
    return process, port


def _audience(count: int, slug: str):
    from portal.models import Branch, User, Volunteer, VolunteerStatus

    branch = Branch.objects.create(name=f"Bench {slug}", slug=slug)
    User.objects.bulk_create(
        [
            User(
                email=f"{slug}-{n}@example.org",
                first_name=f"Naam{n}",
                last_name="Bench",
                password="!",  # noqa: S106 - an unusable password
            )
            for n in range(count)
        ],
        batch_size=1000,
    )
    users = User.objects.filter(email__startswith=f"{slug}-").order_by("pk")
    Volunteer.objects.bulk_create(
        [
            Volunteer(user=u, branch=branch, postcode="3511 AB", status=VolunteerStatus.ACTIVE)
            for u in users.iterator()
        ],
        batch_size=1000,
    )
    return branch


def _newsletter(branch, staff):
    from wagtail.models import Site

    from newsletter.models import NewsletterIndexPage, NewsletterPage
    from newsletter.page_permissions import branch_archive
    from tests.newsletter.factories import BODY

    national = NewsletterIndexPage.objects.filter(branch__isnull=True).first()
    if national is None:
        national = NewsletterIndexPage(title="Nieuwsbrieven", slug="nieuwsbrieven")
        Site.objects.get(is_default_site=True).root_page.add_child(instance=national)
    index = branch_archive(branch, national=national)
    page = NewsletterPage(
        title=f"Bench {branch.slug}",
        slug=branch.slug,
        subject="Bench",
        body=BODY,
        live=False,
        volunteer_statuses=["active"],
    )
    index.add_child(instance=page)
    page.branches.set([branch])
    page.save()
    page.save_revision(user=staff).publish()
    page.refresh_from_db()
    return page


class SQLCount:
    """SQL statements and the time spent waiting for them (commits included: every
    statement of the sender runs in autocommit). On PostgreSQL the DATA mark and the
    answer are sent ahead (`newsletter/inflight.py`) and counted when their result is
    read: the time is then only the part the mail server's work did not cover."""

    def __init__(self):
        self.statements = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements += 1
            self.seconds += time.perf_counter() - began


def _portal_send(page, staff, sql: SQLCount | None = None) -> float:
    """The whole pipeline inline (one worker): render, records, batches, SMTP."""
    from django.db import connection

    from newsletter import services
    from newsletter.models import Send, SendStatus

    began = time.perf_counter()
    if sql is None:
        send = services.schedule_send(page_id=page.pk, user=staff)
    else:
        with connection.execute_wrapper(sql):
            send = services.schedule_send(page_id=page.pk, user=staff)
    elapsed = time.perf_counter() - began
    send.refresh_from_db()
    assert send.status == SendStatus.DONE, send.status
    assert Send.objects.get(pk=send.pk).deliveries.filter(status="sent").count() == send.total
    return elapsed


def _raw_send(port: int, page) -> float:
    """The same messages, rendered beforehand, through smtplib over one connection."""
    from newsletter.audience import page_recipients
    from newsletter.rendering import compose, render_newsletter

    rendered = render_newsletter(page)
    messages = []
    for user in page_recipients(page).order_by("pk"):
        message = compose(
            subject=rendered.subject,
            html=rendered.html,
            text=rendered.text,
            email=user.email,
            name=user.get_full_name(),
            user_id=user.pk,
        )
        messages.append(
            (
                parseaddr(message.from_email)[1],
                user.email,
                message.message().as_bytes(linesep="\r\n"),
            )
        )
    began = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for sender, recipient, data in messages:
            smtp.sendmail(sender, [recipient], data)
    return time.perf_counter() - began


def main() -> bool:
    sink, port = _start_sink()
    try:
        with bench_database() as db_url:
            os.environ.update(
                {"EMAIL_URL": f"smtp://127.0.0.1:{port}", "NEWSLETTER_BATCH_SIZE": "200"}
            )
            setup_django(db_url)
            from django_q.conf import Conf

            from tests.portal.factories import make_admin_user

            Conf.SYNC = True  # the tasks inline: the sender's own cost, no broker
            staff = make_admin_user("national_staff", email="bench-staff@example.org")
            branch = _audience(RECIPIENTS, "speed")
            page = _newsletter(branch, staff)
            raw = _raw_send(port, page)
            sql = SQLCount()
            portal = _portal_send(page, staff, sql)
            raw_again = _raw_send(port, page)
            raw = min(raw, raw_again)
            peaks = {}
            for size in MEMORY_SIZES:
                small = _newsletter(_audience(size, f"memory-{size}"), staff)
                tracemalloc.start()
                _portal_send(small, staff)
                peaks[size] = tracemalloc.get_traced_memory()[1] / 2**20
                tracemalloc.stop()
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    portal_rate, raw_rate = RECIPIENTS / portal, RECIPIENTS / raw
    print(f"  raw smtplib: {raw_rate:,.0f} msg/s; portal sender: {portal_rate:,.0f} msg/s")
    per_message_ms = portal / RECIPIENTS * 1000
    sql_ms = sql.seconds / RECIPIENTS * 1000
    print(
        f"  per message: {per_message_ms:.2f} ms, of which {sql_ms:.2f} ms waiting for "
        f"{sql.statements / RECIPIENTS:.2f} SQL statements (commits included)"
    )
    for size, peak in peaks.items():
        print(f"  peak memory sending to {size:,}: {peak:.1f} MiB (tracemalloc)")
    small, large = MEMORY_SIZES
    memory_ok = peaks[large] <= peaks[small] * 1.5 + 2
    print(f"  memory {'does not grow' if memory_ok else 'GROWS'} with the number of recipients")
    return (
        report(
            "newsletter sending",
            portal_rate,
            raw_rate,
            # Issue 5 asked 0.8 without the DATA mark; issue 17 added the mark (one
            # more committed write per message, flushed on PostgreSQL) and asks 0.4.
            goal=0.4,
            unit=" msg/s",
            details={
                "recipients": RECIPIENTS,
                "peak_mib": peaks,
                "ms_per_message": round(per_message_ms, 3),
                "sql_ms_per_message": round(sql_ms, 3),
                "statements_per_message": round(sql.statements / RECIPIENTS, 2),
            },
        )
        and memory_ok
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--sink"]:
        _sink(int(sys.argv[2]))
