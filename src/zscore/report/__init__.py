"""Summaries of results for people to read (the command line's text)."""

from .text import Groups, classify_summary, group_codes, nothing_scored, prevalence_summary

__all__ = ["Groups", "classify_summary", "group_codes", "nothing_scored", "prevalence_summary"]
