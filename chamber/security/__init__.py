"""Login protection: lockout after failed logins (django-axes), the password policy,
two-factor sign-in (django-otp) and the idle-session timeout.

Each concern has its own module; settings live in a marked block of chamber/settings/base.py.
"""
