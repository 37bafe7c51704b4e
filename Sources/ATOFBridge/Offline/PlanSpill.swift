import ATOF

/// Where the spans of a large plan go while it is made: each run of ``runLength`` spans is put in
/// output order and written to a ``SpoolFile`` (made in `TMPDIR` at the first full run, mode
/// 0600, no name left behind), so the plan never sits in memory whole, next to what pairing
/// holds. A plan of one run stays in memory (nothing is written). ``SpooledSpans`` merges the
/// runs back in output order.
final class PlanSpill {
    /// Spans per run.
    let runLength: Int
    /// The input the plan is for (errors name it).
    private let source: String
    private let environment: [String: String]
    private var spool: SpoolFile?
    /// The runs written, as ranges of span positions in the spool.
    private var runs: [Range<Int>] = []
    /// The first write that failed.
    private var failure: InputError?

    /// The spans per run by default: 65,536 (5 MiB).
    static let defaultRunLength = 1 << 16

    init(runLength: Int = defaultRunLength, for source: String, environment: [String: String] = ProcessEnvironment.current) {
        self.runLength = max(1, runLength)
        self.source = source
        self.environment = environment
    }

    /// Takes `spans` (made in this order) as the next run: sorts and writes them, and empties
    /// the array (keeping its room). Nothing is written while the spans fit in one run, and
    /// nothing more after a write failed.
    func write(_ spans: inout [PlannedSpan]) {
        guard !spans.isEmpty, spool != nil || spans.count >= runLength, failure == nil else { return }
        spans.sortInOutputOrder()
        do throws(InputError) {
            let spool: SpoolFile
            if let existing = self.spool {
                spool = existing
            } else {
                spool = try SpoolFile(holding: "the span plan", for: source, environment: environment)
                self.spool = spool
            }
            let first = Int(spool.size) / MemoryLayout<PlannedSpan>.stride
            let failed: InputError? = spans.withUnsafeBytes { bytes in
                do throws(InputError) {
                    try spool.append(bytes)
                    return nil
                } catch {
                    return error
                }
            }
            if let failed { throw failed }
            runs.append(first..<(first + spans.count))
            spans.removeAll(keepingCapacity: true)
        } catch {
            failure = error
        }
    }

    /// Ends writing: the spans written (`nil` when the plan stayed in memory or a write failed).
    func finish() -> SpooledSpans? {
        guard let spool, failure == nil else { return nil }
        do { try spool.flush() } catch {
            failure = error
            return nil
        }
        return SpooledSpans(file: spool.file, runs: runs)
    }

    /// Throws the first write that failed, an ``InputError`` naming the input, the plan's spool
    /// and what to do (free space in `TMPDIR`, or set it to another directory).
    func checkWritten() throws(InputError) {
        if let failure { throw failure }
    }
}

/// The spans of a plan written by a ``PlanSpill``: runs, each in output order, in a spool file.
struct SpooledSpans: Sendable {
    /// The spool.
    let file: InputFile
    /// The runs, as ranges of span positions in ``file``, in the order they were made.
    let runs: [Range<Int>]

    /// The number of spans.
    var count: Int { runs.last?.upperBound ?? 0 }
}
