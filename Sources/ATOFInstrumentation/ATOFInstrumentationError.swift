/// Why `ATOFInstrumentation.bootstrap(_:)` failed.
public enum ATOFInstrumentationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Subscribers were installed before (bootstrap is once per process, even after a shutdown).
    case alreadyBootstrapped
    /// A `.jsonLines` file could not be opened for appending.
    case cannotOpen(path: String, reason: String)
    /// The system refused the background writer thread of a `.jsonLines` subscriber.
    case cannotStartWriter(path: String)

    /// A message naming what went wrong and what to do.
    public var description: String {
        switch self {
        case .alreadyBootstrapped:
            "ATOFInstrumentation is already bootstrapped; install every subscriber in one bootstrap call"
        case .cannotOpen(let path, let reason):
            "cannot open \(path) for the ATOF event log: \(reason)"
        case .cannotStartWriter(let path):
            "cannot start the writer thread for \(path)"
        }
    }
}
