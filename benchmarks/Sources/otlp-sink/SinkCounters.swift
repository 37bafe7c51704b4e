import BenchSupport
import Synchronization

/// The sink's running totals, shared by every connection thread.
final class SinkCounters: Sendable {
    private let requests = Atomic<Int>(0)
    private let spans = Atomic<Int>(0)
    private let bytes = Atomic<Int>(0)
    private let malformed = Atomic<Int>(0)

    /// Counts one accepted export request.
    func recordExport(spans count: Int, bytes size: Int) {
        spans.add(count, ordering: .relaxed)
        bytes.add(size, ordering: .relaxed)
        requests.add(1, ordering: .releasing)
    }

    /// Counts one request whose body was not a valid export request.
    func recordMalformed(bytes size: Int) {
        bytes.add(size, ordering: .relaxed)
        malformed.add(1, ordering: .relaxed)
        requests.add(1, ordering: .releasing)
    }

    /// The totals now, with the process's CPU time.
    var snapshot: SinkStats {
        let requestCount = requests.load(ordering: .acquiring)
        return SinkStats(
            requests: requestCount, spans: spans.load(ordering: .relaxed),
            bytes: bytes.load(ordering: .relaxed), malformed: malformed.load(ordering: .relaxed),
            cpuMicroseconds: ResourceUsage.now().cpuMicroseconds)
    }
}
