"""Writes for the review round (issue 12): residence comments, minutes, leadership opinions."""
