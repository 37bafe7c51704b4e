import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Set by SIGINT or SIGTERM: the commands stop reading, then flush and shut down cleanly.
enum StopSignal {
    private static let received = Atomic<Bool>(false)

    static var isSet: Bool { received.load(ordering: .relaxed) }

    /// Installs the handler for SIGINT and SIGTERM, without SA_RESTART so a blocked read returns.
    static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in StopSignal.received.store(true, ordering: .relaxed) }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
    }
}
