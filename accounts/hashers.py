"""Activation codes are hashed with Django's PBKDF2 hasher at fewer rounds than passwords: a code is
random (40 bits), expires, is single-use and throttled, and a sheet hashes one per member."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class ActivationCodeHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_code"
    iterations = 10_000
