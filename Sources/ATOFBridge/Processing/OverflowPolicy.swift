/// What happens to a span that arrives while the export queue is full.
public enum OverflowPolicy: String, Sendable, Hashable, CaseIterable {
    /// The span is written to the fallback file instead of waiting; nothing blocks and nothing is
    /// lost while a fallback file is configured.
    case spill
    /// The producer waits until the queue has room.
    case block
    /// The span is dropped and counted.
    case drop
}
