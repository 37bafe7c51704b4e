/// A first-in first-out queue of spans that grows only as far as it is filled.
struct SpanQueue: Sendable {
    private var items: [Span] = []
    private var head = 0

    var count: Int { items.count - head }
    var isEmpty: Bool { head == items.count }

    mutating func append(_ span: Span) {
        items.append(span)
    }

    /// Removes and returns the oldest `limit` spans (fewer when fewer are queued).
    mutating func removeFirst(upTo limit: Int) -> [Span] {
        let end = head + min(limit, count)
        let taken = Array(items[head..<end])
        head = end
        if head == items.count {
            items.removeAll(keepingCapacity: items.count <= 65_536)
            head = 0
        } else if head >= 4_096, head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return taken
    }
}
