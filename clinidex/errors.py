"""Error kinds shared by every layer. Messages are written for records staff and never carry
patient data or document text, because they end up in logs and API responses."""


class ClinidexError(Exception):
    pass


class TransientError(ClinidexError):
    """A service was unavailable or timed out: the work is retried with backoff."""


class NotFound(ClinidexError):
    pass
