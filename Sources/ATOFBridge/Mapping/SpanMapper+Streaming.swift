import ATOF

/// Streamed chunks that were counted but not recorded as marks (span-mapping.md §6).
///
/// Choice where the contract is silent: a streaming producer may bound the `llm.chunk` marks it
/// writes (ATOFInstrumentation's `withLLMStream` writes the first 128) and give the number of
/// chunks it saw as the end profile's `chunk_count`. The chunks beyond the marks are then counted
/// like marks past the event cap: in `atof.chunk_count` and in `dropped_events_count`. Without
/// `chunk_count` (or when it is not more than the marks), nothing changes.
extension SpanMapper {
    /// How many chunks `endProfile` counts beyond the `markedChunks` `llm.chunk` marks.
    static func unrecordedChunks(endProfile: JSONObject?, markedChunks: Int) -> Int {
        guard let total = JSONRead.count(endProfile?["chunk_count"]) else { return 0 }
        return max(0, Int(clamping: total) - markedChunks)
    }
}
