/// A span waiting for export: finished already, or a paired scope still to be mapped (mapping
/// then runs on a worker thread instead of the producer's).
enum PendingSpan: Sendable {
    case span(OTLP.Span)
    case assembled(AssembledItem)

    /// The span, mapping it with `mapper` when it is not made yet.
    func span(_ mapper: SpanMapper) -> OTLP.Span {
        switch self {
        case .span(let span): span
        case .assembled(.scope(let scope)): mapper.span(for: scope)
        case .assembled(.orphanMark(let orphan)): mapper.span(for: orphan)
        }
    }
}

/// A first-in first-out queue of pending spans that grows only as far as it is filled.
///
/// The spans are kept in chunks of ``chunkCapacity``: when the export thread takes a whole chunk
/// (the usual case when the chunk capacity is the export batch size) the chunk is handed over
/// as it is, without copying spans or shifting the rest of the queue.
struct SpanQueue: Sendable {
    /// Chunks oldest first; those before `firstChunk` are spent (empty).
    private var chunks: [[PendingSpan]] = []
    private var firstChunk = 0
    /// Spans already taken from `chunks[firstChunk]`.
    private var head = 0
    /// The spans queued.
    private(set) var count = 0
    /// The most spans in one chunk.
    let chunkCapacity: Int

    init(chunkCapacity: Int = 512) {
        self.chunkCapacity = max(1, chunkCapacity)
    }

    var isEmpty: Bool { count == 0 }

    mutating func append(_ span: PendingSpan) {
        let last = chunks.count - 1
        if last >= firstChunk, chunks[last].count < chunkCapacity {
            chunks[last].append(span)
        } else {
            var chunk: [PendingSpan] = []
            chunk.reserveCapacity(chunkCapacity)
            chunk.append(span)
            chunks.append(chunk)
        }
        count += 1
    }

    /// Removes and returns the oldest `limit` spans (fewer when fewer are queued).
    mutating func removeFirst(upTo limit: Int) -> [PendingSpan] {
        var remaining = min(limit, count)
        var taken: [PendingSpan] = []
        while remaining > 0, firstChunk < chunks.count {
            let available = chunks[firstChunk].count - head
            if head == 0, available <= remaining, taken.isEmpty {
                // The whole chunk: hand it over.
                swap(&taken, &chunks[firstChunk])
                firstChunk += 1
                remaining -= available
                count -= available
                continue
            }
            let moved = min(available, remaining)
            if taken.isEmpty { taken.reserveCapacity(remaining) }
            taken.append(contentsOf: chunks[firstChunk][head..<(head + moved)])
            head += moved
            remaining -= moved
            count -= moved
            if head == chunks[firstChunk].count {
                chunks[firstChunk] = []
                firstChunk += 1
                head = 0
            }
        }
        if firstChunk == chunks.count {
            chunks.removeAll(keepingCapacity: true)
            firstChunk = 0
            head = 0
        } else if firstChunk >= 64, firstChunk * 2 >= chunks.count {
            chunks.removeFirst(firstChunk)
            firstChunk = 0
        }
        return taken
    }
}
