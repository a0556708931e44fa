"""The backend's one error family: deep code raises these, the CLI and the add-on turn them into messages."""


class I2FETError(Exception):
    """Base class: a problem the user can act on, with a message written for them."""


class AssetsMissingError(I2FETError):
    """The ICT FaceKit files (or another asset) are not where we looked."""


class BadInstructionError(I2FETError):
    """The instruction is empty, unreadable, or names nothing we know."""


class BadTimingError(I2FETError):
    """Frame counts, frame rates or durations that cannot make a clip."""


class CheckpointError(I2FETError):
    """A model checkpoint that is missing, corrupt, or made for another encoder/format."""


class BadInputError(I2FETError):
    """A setting outside what it can be: an intensity, a seed, start weights, a file to read."""


class OutputPathError(I2FETError):
    """An output path that cannot be written: a folder, a path through a file, a read-only place."""
