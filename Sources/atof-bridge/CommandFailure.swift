import ATOF
import ArgumentParser

/// A command that could not do its work for a reason other than a mistake in the arguments: an
/// input that is missing, unreadable or a directory, an output that cannot be written, an
/// exporter that cannot be set up. ``ATOFBridgeCommand/main()`` prints it on standard error as
/// `atof-bridge: <message>`, without the usage text, and exits with status 1.
///
/// `ValidationError` (exit status 64 and the usage text) stays for arguments and options that
/// are wrong in themselves.
struct CommandFailure: Error, CustomStringConvertible {
    /// What went wrong and what to do, naming the file or setting concerned.
    var message: String

    init(_ message: String) {
        self.message = message
    }

    /// An input or output that cannot be read or written (the message names its path).
    init(_ error: InputError) {
        message = error.description
    }

    var description: String { message }

    /// Runs `body`, turning an ``InputError`` it throws into a ``CommandFailure``.
    static func reportingInput<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as InputError {
            throw CommandFailure(error)
        }
    }
}
