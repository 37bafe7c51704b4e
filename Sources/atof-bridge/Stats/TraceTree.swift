import ATOFBridge

/// The spans of one trace as a tree, flattened into rows in display order (depth first, siblings
/// by start time).
///
/// A span's parent is the span of the same trace whose id is its `parentSpanID`; a span whose
/// parent is not in the trace is a root (it hangs under the trace line). Parent links that form a
/// cycle (possible only in foreign OTLP input) are cut at the earliest span of the cycle, which
/// becomes a root. Rows deeper than ``maximumDepth`` are drawn at that depth, so that no input can
/// make the text unbounded in width; each row still knows its true depth (``Row/depth``).
struct TraceTree {
    /// One displayed span.
    struct Row {
        /// The span's index in the input.
        var spanIndex: Int
        /// 1 for a root, 2 for its children, and so on, however deep.
        var depth: Int
        /// No later sibling follows it (drawn `└─` rather than `├─`).
        var isLastSibling = false

        /// The depth it is drawn at: ``depth``, at most ``TraceTree/maximumDepth``.
        var displayDepth: Int { min(depth, TraceTree.maximumDepth) }
    }

    /// The deepest level drawn; deeper spans are drawn at this level.
    static let maximumDepth = 100

    /// The rows, in display order.
    var rows: [Row]

    /// The tree of `trace`'s spans.
    init(trace: TraceSummary, spans: [OTLP.Span]) {
        // Nodes in start-time order (stable on input order): children lists come out sorted.
        let ordered = trace.spanIndices.sorted { a, b in
            let (startA, startB) = (spans[a].startTimeUnixNano, spans[b].startTimeUnixNano)
            return startA != startB ? startA < startB : a < b
        }
        var positionOfID: [OTLP.SpanID: Int] = [:]
        for (position, index) in ordered.enumerated() where positionOfID[spans[index].spanID] == nil {
            positionOfID[spans[index].spanID] = position
        }
        var children = [[Int]](repeating: [], count: ordered.count)
        var roots: [Int] = []
        for (position, index) in ordered.enumerated() {
            if let parentID = spans[index].parentSpanID, let parent = positionOfID[parentID], parent != position {
                children[parent].append(position)
            } else {
                roots.append(position)
            }
        }
        rows = Self.walk(ordered: ordered, children: children, roots: roots)
        Self.markLastSiblings(&rows)
    }

    /// Depth-first rows from `roots`; nodes never reached (a parent cycle) start new roots.
    private static func walk(ordered: [Int], children: [[Int]], roots: [Int]) -> [Row] {
        var rows: [Row] = []
        rows.reserveCapacity(ordered.count)
        var visited = [Bool](repeating: false, count: ordered.count)
        var stack: [(position: Int, depth: Int)] = roots.reversed().map { ($0, 1) }
        var nextUnvisited = 0
        while true {
            while let (position, depth) = stack.popLast() {
                guard !visited[position] else { continue }
                visited[position] = true
                rows.append(Row(spanIndex: ordered[position], depth: depth))
                for child in children[position].reversed() where !visited[child] {
                    stack.append((child, depth + 1))
                }
            }
            while nextUnvisited < ordered.count, visited[nextUnvisited] { nextUnvisited += 1 }
            guard nextUnvisited < ordered.count else { break }
            stack.append((nextUnvisited, 1))
        }
        return rows
    }

    /// Sets ``Row/isLastSibling``: no later row at the same drawn depth before one at a smaller one.
    private static func markLastSiblings(_ rows: inout [Row]) {
        var laterSibling = [Bool](repeating: false, count: maximumDepth + 2)
        for position in rows.indices.reversed() {
            let depth = rows[position].displayDepth
            rows[position].isLastSibling = !laterSibling[depth]
            laterSibling[depth] = true
            for deeper in (depth + 1)..<laterSibling.count { laterSibling[deeper] = false }
        }
    }

    /// The box-drawing prefix of every row (`├─ `, `│  └─ `, ...), in row order.
    var prefixes: [String] {
        var continues = [Bool](repeating: false, count: Self.maximumDepth + 1)
        return rows.map { row in
            var prefix = ""
            for level in stride(from: 1, to: row.displayDepth, by: 1) {
                prefix += continues[level] ? "│  " : "   "
            }
            prefix += row.isLastSibling ? "└─ " : "├─ "
            continues[row.displayDepth] = !row.isLastSibling
            return prefix
        }
    }
}
