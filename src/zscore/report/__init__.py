"""Summaries of results for people to read (the command line's text)."""

from .counts import ClassifyCounts, Groups, group_codes
from .text import classify_summary, nothing_scored, prevalence_summary

__all__ = ["ClassifyCounts", "Groups", "classify_summary", "group_codes", "nothing_scored",
           "prevalence_summary"]
