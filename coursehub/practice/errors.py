"""Domain errors of practice; the views turn each into a 4xx with its message."""


class PracticeError(Exception):
    """A request that can't be done; the message says why, in words for the learner."""

    status = 400


class NotFound(PracticeError):
    """Not this learner's, or not there: the same answer for both, so ids can't be probed."""

    status = 404


class Conflict(PracticeError):
    status = 409
