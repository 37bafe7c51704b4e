import ATOF

/// Gives a time to translated events that have none.
///
/// Events pass through in order. An event without a known time waits until the next event with
/// one; then starts and marks take the nearest earlier known time and ends the nearest later one
/// (a start before any known time takes the later one; an end after the last known time, at the
/// end of input, the earlier one). Each filled time is flagged `start_time` (starts and marks) or
/// `end_time` (ends) in `adapter.inferred`. When no event of the input has a time, `fallback` is used.
struct InferredTimes: Sendable {
    private var lastKnown: Timestamp?
    private var waiting: [AdapterOutput.Item] = []

    init() {}

    /// Feeds one item; appends the items whose times are now settled to `settled`, in input order.
    mutating func pass(_ item: AdapterOutput.Item, into settled: inout [AdapterOutput.Item]) {
        guard item.timeKnown else {
            waiting.append(item)
            return
        }
        let next = item.event.timestamp
        for held in waiting { settled.append(fill(held, earlier: lastKnown, later: next)) }
        waiting.removeAll(keepingCapacity: true)
        settled.append(item)
        lastKnown = next
    }

    /// The end of input: appends every waiting item, settled with the last known time (or
    /// `fallback`), to `settled`.
    mutating func finish(fallback: Timestamp, into settled: inout [AdapterOutput.Item]) {
        for held in waiting { settled.append(fill(held, earlier: lastKnown ?? fallback, later: nil)) }
        waiting.removeAll()
    }

    private func fill(_ item: AdapterOutput.Item, earlier: Timestamp?, later: Timestamp?) -> AdapterOutput.Item {
        var item = item
        let isEnd = item.event.kind == .scopeEnd
        let time = (isEnd ? later ?? earlier : earlier ?? later) ?? Timestamp(nanosecondsSinceEpoch: 0)
        item.event.timestamp = time
        item.event.markInferred(isEnd ? .endTime : .startTime)
        item.timeKnown = true
        return item
    }
}
