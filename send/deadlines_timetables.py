"""SEND deadlines of timetables, registered with send.deadlines (filled in by issue 13)."""
