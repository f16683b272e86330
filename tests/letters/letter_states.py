"""Put the letters a test writes into one state at the boundaries (the broker, the PDF renderer):
ready (rendered in-process), pending (the broker took the task, no worker has run it yet), queued
(the broker is down) or failed (the renderer raised). Used by the honest-message tests."""

from kombu.exceptions import OperationalError

STATES = ("ready", "pending", "queued", "failed")


def put_letters_in(monkeypatch, state: str) -> None:
    from letters import rendering
    from letters.tasks import render_letter

    if state == "pending":
        monkeypatch.setattr(render_letter, "apply_async", lambda *args, **kwargs: None)
    elif state == "queued":

        def refuse(*args, **kwargs):
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

        monkeypatch.setattr(render_letter, "apply_async", refuse)
    elif state == "failed":

        def broken(*args, **kwargs):
            raise RuntimeError("the renderer is broken")

        monkeypatch.setattr(rendering, "html_to_pdf", broken)
    else:
        assert state == "ready", state
