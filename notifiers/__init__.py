"""Built-in notifier plugins, one module each, registered exactly as a third-party plugin is.

Delivery arrives with the notifier plugin system; until then the channels of
plugins.toml are names that users' contacts and policies' targets refer to.
"""
