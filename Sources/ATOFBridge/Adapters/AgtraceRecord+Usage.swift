import ATOF

extension AgtraceRecord {
    /// A `token_usage` payload normalized to the OpenAI convention (adapters.md §1.1 rule 6):
    /// `prompt_tokens` = `uncached` + `cached`/`cache_read` + `cache_write` (both schema versions),
    /// `completion_tokens` = `generated` + `reasoning` + `tool`, `total_tokens`, and the cache counts
    /// when given. Nil when the payload has no count at all.
    var normalizedUsage: JSONObject? {
        let input = JSONRead.object(content["input"])
        let output = JSONRead.object(content["output"])
        let uncached = JSONRead.count(input?["uncached"])
        let cacheRead = JSONRead.count(input?["cache_read"]) ?? JSONRead.count(input?["cached"])
        let cacheWrite = JSONRead.count(input?["cache_write"])
        let completionParts = ["generated", "reasoning", "tool"].compactMap { JSONRead.count(output?[$0]) }
        let promptParts = [uncached, cacheRead, cacheWrite].compactMap { $0 }
        guard !promptParts.isEmpty || !completionParts.isEmpty else { return nil }
        let prompt = promptParts.reduce(0, &+)
        let completion = completionParts.reduce(0, &+)
        var usage = JSONObject()
        usage["prompt_tokens"] = .number(JSONNumber(prompt))
        usage["completion_tokens"] = .number(JSONNumber(completion))
        usage["total_tokens"] = .number(JSONNumber(prompt &+ completion))
        if let cacheRead { usage["cache_read_tokens"] = .number(JSONNumber(cacheRead)) }
        if let cacheWrite { usage["cache_write_tokens"] = .number(JSONNumber(cacheWrite)) }
        return usage
    }

    /// What tells duplicate usage records apart: the newer `dedupe_key`, else Claude's `message.id`
    /// or `requestId`.
    var usageKey: String? {
        JSONRead.nonEmptyString(content["dedupe_key"]) ?? messageID ?? requestID
    }

    /// `true` for newer usage records marked `completeness: "partial_output"` (not final counts).
    var isPartialUsage: Bool {
        JSONRead.string(content["completeness"]) == "partial_output"
    }

    /// The model a record names: the raw metadata's, else the newer `token_usage.model`.
    var namedModel: String? {
        model ?? (type == "token_usage" ? JSONRead.nonEmptyString(content["model"]) : nil)
    }
}
