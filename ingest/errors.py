"""Typed intake errors. Each one is bad input: never retried, mapped to one HTTP status, and
its message is safe to show and to log (it names no patient and quotes no document text)."""
from clinidex.errors import ClinidexError


class IntakeError(ClinidexError):
    http_status = 422
    code = "unprocessable"


class EmptyDocument(IntakeError):
    http_status = 400
    code = "empty"


class TooLarge(IntakeError):
    http_status = 413
    code = "too_large"


class UnsupportedMediaType(IntakeError):
    http_status = 415
    code = "unsupported_type"


class CorruptDocument(IntakeError):
    code = "corrupt"


class EncryptedDocument(IntakeError):
    code = "encrypted"


class TooManyPages(IntakeError):
    code = "too_many_pages"


class ImageTooLarge(IntakeError):
    code = "image_too_large"
