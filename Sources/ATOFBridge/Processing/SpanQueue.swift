/// A span waiting for export: finished already, or a paired scope still to be mapped (mapping
/// then runs on the export thread instead of the producer's).
enum PendingSpan: Sendable {
    case span(Span)
    case assembled(AssembledItem)

    /// The span, mapping it with `mapper` when it is not made yet.
    func span(_ mapper: SpanMapper) -> Span {
        switch self {
        case .span(let span): span
        case .assembled(.scope(let scope)): mapper.span(for: scope)
        case .assembled(.orphanMark(let orphan)): mapper.span(for: orphan)
        }
    }
}

/// A first-in first-out queue of pending spans that grows only as far as it is filled.
struct SpanQueue: Sendable {
    private var items: [PendingSpan] = []
    private var head = 0

    var count: Int { items.count - head }
    var isEmpty: Bool { head == items.count }

    mutating func append(_ span: PendingSpan) {
        items.append(span)
    }

    /// Removes and returns the oldest `limit` spans (fewer when fewer are queued).
    mutating func removeFirst(upTo limit: Int) -> [PendingSpan] {
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
