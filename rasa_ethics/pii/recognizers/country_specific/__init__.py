"""Recognizers for one country's identifiers, one sub-package per ISO country code."""
