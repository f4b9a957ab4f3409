"""Domain errors raised by store/ and service/, mapped to HTTP answers by api/."""


class NotFound(Exception):
    def __init__(self, kind: str, ident: str):
        super().__init__(f"{kind} {ident!r} not found")


class Conflict(Exception):
    """The request clashes with the current state: an id taken, a thing still in use."""


class Invalid(Exception):
    """Well-formed input that breaks a rule; `field` names where."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


class BadQuery(Exception):
    """A query parameter that is well-formed but cannot be used (a 400, as the contract says)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"query parameter {field}: {message}")
        self.field, self.message = field, message


def described(exc: BaseException) -> str:
    """`Type: message`, as a reason stored with a notification: an exception's message may hold anything."""
    return storable(f"{type(exc).__name__}: {exc}")


def storable(text: str) -> str:
    """`text` without what a database refuses in text: NUL (PostgreSQL refuses it) and lone surrogates (no driver
    encodes them). For texts that come from outside, such as a notifier's error or a peer's answer."""
    return text.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")
