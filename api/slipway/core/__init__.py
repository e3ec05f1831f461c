"""The domain: every business rule of the control plane lives here.

HTTP, the CLI and the Ansible modules call these functions; none of them holds rules.
"""
