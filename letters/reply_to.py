"""Rule: where a parent's (or colleague's) reply to an e-mail goes (issue 15).

Every e-mail the product sends carries a Reply-To of a person or office that reads it, never a no-reply
address: the member of staff who sent it, else the school office's address (kept by the SEND settings,
SendSettings.office_email; the SEND app passes it, letters never reads SEND's tables). Blank only when
neither exists; the mail server's From address then takes the reply.

>>> reply_to_address(sender_email="sendco@school.example", office_email="office@school.example")
'sendco@school.example'
>>> reply_to_address(sender_email="", office_email="office@school.example")
'office@school.example'
>>> reply_to_address(sender_email="", office_email="")
''
"""

from __future__ import annotations


def reply_to_address(*, sender_email: str | None, office_email: str | None = "") -> str:
    return (sender_email or "").strip() or (office_email or "").strip()
