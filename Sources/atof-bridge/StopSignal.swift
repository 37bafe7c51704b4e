import ATOFBridge
import ATOFThreads
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT and SIGTERM for the commands: the first asks the run to stop reading and finish within
/// the shutdown bound; the second asks it to end at once (still writing only whole lines).
///
/// The handler only counts and writes one byte to a pipe (async-signal-safe); a watcher thread
/// reads the pipe and runs the command's reaction outside the handler, where it may take locks
/// (for example to wake a producer waiting for room in the export queue).
enum StopSignal {
    private static let received = Atomic<Int>(0)
    private static let lastSignal = Atomic<Int32>(0)
    private static let pipeInput = Atomic<Int32>(-1)

    /// Whether a stop was asked for.
    static var isSet: Bool { received.load(ordering: .relaxed) > 0 }

    /// How many stop signals arrived.
    static var count: Int { received.load(ordering: .relaxed) }

    /// The last signal received (`SIGINT` or `SIGTERM`), or 0.
    static var signal: Int32 { lastSignal.load(ordering: .relaxed) }

    /// The conventional exit status of a run cut short by ``signal``: 128 + its number.
    static var exitStatus: Int32 { 128 + signal }

    /// The signal's name, for messages.
    static var name: String { signal == SIGTERM ? "SIGTERM" : "SIGINT" }

    /// Installs the handler for SIGINT and SIGTERM, without SA_RESTART so that a blocked read
    /// returns; `reaction` runs on a watcher thread with the number of signals so far.
    static func install(_ reaction: @escaping @Sendable (Int) -> Void = { _ in }) {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
            pipeInput.store(ends[1], ordering: .relaxed)
            let output = ends[0]
            WorkerThread.start {
                var byte: UInt8 = 0
                while true {
                    let got = read(output, &byte, 1)
                    if got == 1 {
                        reaction(received.load(ordering: .relaxed))
                    } else if got < 0 && errno == EINTR {
                        continue
                    } else {
                        return
                    }
                }
            }
        }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { number in
            let savedErrno = errno
            defer { errno = savedErrno }
            StopSignal.lastSignal.store(number, ordering: .relaxed)
            StopSignal.received.add(1, ordering: .relaxed)
            var byte: UInt8 = 1
            _ = write(StopSignal.pipeInput.load(ordering: .relaxed), &byte, 1)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
    }
}
