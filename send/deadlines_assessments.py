"""SEND deadlines of assessments, registered with send.deadlines (filled in by issue 13)."""
