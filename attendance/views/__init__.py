"""Attendance views, one module per area: registers, office work, statistics, import and export."""
