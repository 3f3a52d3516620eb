"""Reports people read: status report, portfolio, network agenda, calendar (ICS) and charts.

The data comes from ``plp.services`` (one unit of work per report); this package
only renders it: Jinja2 templates for Markdown and self-contained HTML that prints
on A4, icalendar for RFC 5545 calendars, matplotlib for SVG and PNG charts.
"""
