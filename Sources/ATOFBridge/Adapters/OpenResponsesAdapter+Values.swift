import ATOF

extension OpenResponsesAdapter {
    /// A turn's start: the time encoded in a vtcode response id (`resp_<hex ms>_<hex counter>`)
    /// when it agrees with `created_at` (whole seconds), else `created_at`, else unknown.
    static func startTime(responseID: String, createdAt: JSONValue?) -> Timestamp? {
        let created = seconds(createdAt)
        guard let encoded = idTime(responseID) else { return created }
        guard let created else { return encoded }
        let offset = encoded.nanosecondsSinceEpoch - created.nanosecondsSinceEpoch
        return (-1_000_000_000..<2_000_000_000).contains(offset) ? encoded : created
    }

    /// The creation time encoded in a response id `resp_<hex>_<hex>`: milliseconds since the epoch
    /// (vtcode), or micro- or nanoseconds when the number only makes sense as those.
    static func idTime(_ responseID: String) -> Timestamp? {
        let parts = responseID.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "resp", let value = UInt64(parts[1], radix: 16) else { return nil }
        // 2001-09-09 to 2286-11-20, in milliseconds.
        let plausible: ClosedRange<UInt64> = 1_000_000_000_000...9_999_999_999_999
        for (nanosecondsPerUnit, unitsPerMillisecond) in [(UInt64(1_000_000), UInt64(1)), (1_000, 1_000), (1, 1_000_000)]
        where plausible.contains(value / unitsPerMillisecond) {
            let (nanoseconds, overflow) = value.multipliedReportingOverflow(by: nanosecondsPerUnit)
            guard !overflow, nanoseconds <= UInt64(Int64.max) else { return nil }
            return Timestamp(nanosecondsSinceEpoch: Int64(nanoseconds))
        }
        return nil
    }

    /// Whole epoch seconds (`created_at`, `completed_at`) as a time; nil unless a positive number.
    static func seconds(_ value: JSONValue?) -> Timestamp? {
        guard let seconds = JSONRead.double(value), seconds > 0, seconds < 9.2e9 else { return nil }
        return Timestamp(nanosecondsSinceEpoch: Int64((seconds * 1_000_000_000).rounded()))
    }

    /// A time that may be epoch seconds, epoch milliseconds or an RFC 3339 string.
    static func time(_ value: JSONValue?) -> Timestamp? {
        if let text = JSONRead.nonEmptyString(value) { return try? Timestamp(rfc3339: text) }
        guard let number = JSONRead.double(value) else { return nil }
        return number >= 1e11 ? seconds(.number(JSONNumber(number / 1_000))) : seconds(value)
    }

    /// Open Responses usage normalized to the OpenAI names (contract rule 6): `prompt_tokens`
    /// includes cached tokens (Open Responses `input_tokens` already does).
    static func normalizedUsage(_ value: JSONValue?) -> JSONValue? {
        guard let usage = value?.objectValue else { return nil }
        var result = JSONObject()
        func put(_ key: String, _ candidates: JSONValue?...) {
            if let count = candidates.lazy.compactMap(JSONRead.count).first { result[key] = .number(JSONNumber(count)) }
        }
        put("prompt_tokens", usage["input_tokens"], usage["prompt_tokens"])
        put("completion_tokens", usage["output_tokens"], usage["completion_tokens"])
        put("total_tokens", usage["total_tokens"])
        put(
            "cache_read_tokens", usage["input_tokens_details"]?["cached_tokens"], usage["cached_input_tokens"],
            usage["cache_read_tokens"])
        put("cache_write_tokens", usage["cache_write_tokens"])
        return result.isEmpty ? nil : .object(result)
    }

    /// A message item's text: its `output_text` (and `refusal`) parts, joined.
    static func messageText(_ item: JSONObject) -> String {
        if let text = item["content"]?.stringValue { return text }
        return (JSONRead.array(item["content"]) ?? []).compactMap { part in
            JSONRead.string(part["text"]) ?? JSONRead.string(part["refusal"])
        }.joined()
    }

    /// A reasoning item's text: `content`, else `summary` (a string or parts with `text`).
    static func reasoningText(_ item: JSONObject) -> String {
        for key in ["content", "summary"] {
            if let text = JSONRead.nonEmptyString(item[key]) { return text }
            let parts = (JSONRead.array(item[key]) ?? []).compactMap { JSONRead.string($0["text"]) }
            if !parts.isEmpty { return parts.joined(separator: "\n") }
        }
        return ""
    }

    /// Function call arguments as JSON text (items hold a JSON value, `arguments.done` a string).
    static func argumentsText(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: ""
        case .string(let text)?: text
        case let value?: value.compactJSON
        }
    }

    /// Arguments text as the tool's input: the parsed JSON, else the text itself.
    static func argumentsValue(_ text: String) -> JSONValue? {
        guard !text.isEmpty else { return nil }
        return (try? JSONParser.parse(text)) ?? .string(text)
    }
}
