import ATOF

/// Token counts of one LLM call, read as span-mapping.md §4.4 says.
///
/// Sources, searched in this order, the first that has a field wins for that field:
/// the 0.1 `annotated_response.usage`; the profile's vendor field `usage` (end profile, then
/// start profile; e.g. `nvidia/llm.v1`); the raw end payload's `usage` or `token_usage`. Every
/// source is read with the same key aliases:
/// - prompt: `prompt_tokens`, `input_tokens`
/// - completion: `completion_tokens`, `output_tokens`
/// - total: `total_tokens`
/// - cache read: `cache_read_tokens`, `cache_read_input_tokens`, `prompt_tokens_details.cached_tokens`
/// - cache write: `cache_write_tokens`, `cache_creation_input_tokens`
///
/// Only non-negative whole numbers count; anything else is treated as absent. Sums saturate at
/// `Int64.max`.
struct TokenUsage: Sendable, Hashable {
    /// Prompt tokens as reported.
    var prompt: Int64?
    /// Completion tokens as reported.
    var completion: Int64?
    /// The reported total.
    var reportedTotal: Int64?
    /// Cache-read input tokens.
    var cacheRead: Int64?
    /// Cache-write (creation) input tokens.
    var cacheWrite: Int64?
    /// `true` when the provider counts cached tokens apart from the prompt (Anthropic Messages).
    var cacheCountedSeparately: Bool

    /// One place usage can come from.
    struct Source {
        var usage: JSONObject
        /// `true` for the raw end payload (whose `input_tokens` marks the Anthropic convention).
        var isRawPayload: Bool
    }

    /// Reads usage from `sources` (in precedence order); `anthropicTagged` is `true` when an LLM
    /// annotation carries the `anthropic_messages` API tag.
    init(sources: [Source], anthropicTagged: Bool) {
        var promptFromRawInputTokens = false
        for source in sources {
            let usage = source.usage
            if prompt == nil {
                if let value = JSONRead.count(usage["prompt_tokens"]) {
                    prompt = value
                } else if let value = JSONRead.count(usage["input_tokens"]) {
                    prompt = value
                    promptFromRawInputTokens = source.isRawPayload
                }
            }
            if completion == nil {
                completion = JSONRead.count(usage["completion_tokens"]) ?? JSONRead.count(usage["output_tokens"])
            }
            if reportedTotal == nil {
                reportedTotal = JSONRead.count(usage["total_tokens"])
            }
            if cacheRead == nil {
                cacheRead =
                    JSONRead.count(usage["cache_read_tokens"])
                    ?? JSONRead.count(usage["cache_read_input_tokens"])
                    ?? JSONRead.count(usage["prompt_tokens_details"]?["cached_tokens"])
            }
            if cacheWrite == nil {
                cacheWrite = JSONRead.count(usage["cache_write_tokens"]) ?? JSONRead.count(usage["cache_creation_input_tokens"])
            }
        }
        cacheCountedSeparately = anthropicTagged || promptFromRawInputTokens
    }

    /// `true` when no count was found.
    var isEmpty: Bool {
        prompt == nil && completion == nil && reportedTotal == nil && cacheRead == nil && cacheWrite == nil
    }

    /// The input total: the prompt, plus cache read and write when counted apart. `nil` without a prompt count.
    var inputTotal: Int64? {
        guard let prompt else { return nil }
        guard cacheCountedSeparately else { return prompt }
        return Self.add(Self.add(prompt, cacheRead ?? 0), cacheWrite ?? 0)
    }

    /// The total: the reported total when it is at least input total + completion, else that sum;
    /// `nil` when there is nothing to count.
    var total: Int64? {
        guard inputTotal != nil || completion != nil || reportedTotal != nil else { return nil }
        let sum = Self.add(inputTotal ?? 0, completion ?? 0)
        if let reportedTotal, reportedTotal >= sum { return reportedTotal }
        return sum
    }

    private static func add(_ lhs: Int64, _ rhs: Int64) -> Int64 {
        let (sum, overflow) = lhs.addingReportingOverflow(rhs)
        return overflow ? .max : sum
    }
}
