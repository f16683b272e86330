"""Letter batch pages: the list, a batch with its progress bar (an htmx partial polled until it is
ready), the merged PDF, the per-letter list as CSV, and "Try again" for a failed letter.

Choosing the pupils and running a batch happens in graduated_response/views_batches.py (it reads the
cases); these pages only read the batch. Everyone here needs MANAGE_CASES (the attendance officer and
the headteacher); a batch of another school is a 404.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from school import policy
from school.pagination import paginate
from school.private_files import download_name, private_file_response
from school.spreadsheet import safe_cell

from . import batches
from .models import Letter, LetterBatch


def _batch(request, pk) -> LetterBatch:
    return policy.access_school_record(request.school, LetterBatch.objects.select_related("created_by"), pk)


def _progress(batch: LetterBatch) -> dict:
    return {"batch": batch, **batches.batch_counts(batch)}


@require_safe
@policy.capability_required(policy.MANAGE_CASES)
def batch_list(request):
    page = paginate(request, batches.batches_for(school=request.school), 25)
    return render(request, "letters/batch_list.html", {"page": page})


@require_safe
@policy.capability_required(policy.MANAGE_CASES)
def batch_detail(request, pk):
    batch = _batch(request, pk)
    letters = (
        batch.letters.select_related("pupil", "pupil__registration_class")
        .prefetch_related("emails")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pupil_id", "pk")
    )
    context = {**_progress(batch), "page": paginate(request, letters, 100)}
    return render(request, "letters/batch_detail.html", context)


@require_safe
@policy.capability_required(policy.MANAGE_CASES)
def batch_progress(request, pk):
    """The progress bar alone: the batch page polls it every two seconds until the batch is finished."""
    return render(request, "letters/partials/batch_progress.html", _progress(_batch(request, pk)))


@require_safe
@policy.capability_required(policy.MANAGE_CASES)
def batch_pdf(request, pk):
    batch = _batch(request, pk)
    if batch.status != LetterBatch.Status.READY:
        raise Http404("The letters are not ready yet.")
    return private_file_response(
        batch.private_file_name(), filename=batch.filename, content_type="application/pdf"
    )


LIST_COLUMNS = [
    "Letter number", "Pupil", "Class", "Year", "Addressee", "Address", "Letter", "Status",
    "E-mailed to", "E-mail",
]  # fmt: skip


@require_safe
@policy.capability_required(policy.MANAGE_CASES)
def batch_letter_list(request, pk):
    """Every letter of the batch, one row each, as CSV (each cell safe from formula injection)."""
    batch = _batch(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = download_name(batch.filename.removesuffix(".pdf") + ".csv", fallback="letters.csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response.write("\ufeff")  # so Excel reads it as UTF-8
    writer = csv.writer(response)
    writer.writerow(LIST_COLUMNS)
    letters = (
        batch.letters.select_related("pupil", "pupil__registration_class")
        .prefetch_related("emails")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pupil_id", "pk")
    )
    for letter in letters.iterator(chunk_size=500):
        email = next(iter(letter.emails.all()), None)
        pupil = letter.pupil
        row = [
            letter.pk,
            str(pupil),
            pupil.registration_class or "",
            pupil.get_year_group_display(),
            letter.recipient_name,
            " ".join(letter.recipient_address.split("\n")),
            letter.subject,
            letter.get_status_display(),
            email.to if email else "",
            email.get_status_display() if email else "",
        ]
        writer.writerow([safe_cell(value) for value in row])
    for left_out in batch.excluded:
        writer.writerow(
            [
                safe_cell(v)
                for v in ["", left_out["name"], "", "", "", "", "", f"Left out: {left_out['reason']}", "", ""]
            ]
        )
    return response


@require_POST
@policy.capability_required(policy.MANAGE_CASES)
def batch_letter_retry(request, pk, letter_pk):
    batch = _batch(request, pk)
    letter = policy.access_school_record(request.school, Letter.objects.filter(batch=batch), letter_pk)
    if batches.batch_letter_retry(actor=request.user, batch=batch, letter=letter):
        messages.success(request, f"The letter to {letter.recipient_name} is being prepared again.")
    else:
        messages.info(request, f"Nothing to do: that letter is {letter.get_status_display().lower()}.")
    return redirect("letters:batch_detail", pk=batch.pk)
