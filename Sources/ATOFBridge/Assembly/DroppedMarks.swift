import ATOF

/// The marks of a scope that live assembly counted but did not hold (past
/// ``LiveSpanAssembler/Limits/maximumMarksPerScope``): only what the span needs of them is kept,
/// so that memory does not grow with the marks of one open scope.
package struct DroppedMarks: Sendable, Hashable {
    /// How many marks were not held; the span adds them to its `dropped_events_count`.
    package var count = 0
    /// How many of them were `llm.chunk` marks (counted in `atof.chunk_count`).
    package var chunkCount = 0
    /// The earliest time (ns since the epoch) of those `llm.chunk` marks, for the time to first chunk.
    package var earliestChunkTime: Int64?

    package init(count: Int = 0, chunkCount: Int = 0, earliestChunkTime: Int64? = nil) {
        self.count = count
        self.chunkCount = chunkCount
        self.earliestChunkTime = earliestChunkTime
    }

    /// Counts `mark` instead of holding it.
    mutating func count(_ mark: Event) {
        count += 1
        guard mark.name == "llm.chunk" else { return }
        chunkCount += 1
        let time = mark.timestamp.nanosecondsSinceEpoch
        earliestChunkTime = min(earliestChunkTime ?? time, time)
    }
}
