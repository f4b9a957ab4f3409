"""Built-in notifier plugins, one module each, registered exactly as a third-party plugin is.

This folder is installed as `nself_oncall.notifiers` (see pyproject.toml), so it never shadows
PyPI's unrelated `notifiers` package. Each module is an entry point of the `nself_oncall` group
and uses only what `nself_oncall` exports to plugins, plus the shared helpers here.
"""
