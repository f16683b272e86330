"""SEND deadlines of reviews, registered with send.deadlines (filled in by issue 13)."""
