import ATOF
import Foundation
import Testing

@testable import ATOFBridge

/// Builders of agtrace objects for the tests; translation goes through ``ForeignFixture``.
enum AgtraceFixtures {
    static let session = "5e55a000-0000-4000-8000-000000000000"

    /// The event UUID numbered `n`.
    static func id(_ n: Int) -> String {
        let digits = String(n)
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - digits.count) + digits
    }

    /// One agtrace object: event `n` of `type` at `2026-01-12T09:00:<seconds>Z`, its `parent_id`
    /// the event numbered `parent` (nil: `null`).
    static func object(
        _ n: Int, _ type: String, _ content: JSONValue, at seconds: String, parent: Int? = nil, stream: JSONValue? = nil,
        metadata: JSONValue? = nil, session: String = session
    ) -> JSONObject {
        var object = JSONObject([
            "id": .string(id(n)), "session_id": .string(session), "parent_id": parent.map { .string(id($0)) } ?? .null,
            "timestamp": .string("2026-01-12T09:00:\(seconds)Z"), "stream_id": stream ?? ["stream_type": "main"], "type": .string(type),
            "content": content,
        ])
        if let metadata { object["metadata"] = metadata }
        return object
    }

    /// Claude's raw record metadata naming a response and its model.
    static func claude(_ messageID: String, model: String = "claude-sonnet-4-5") -> JSONValue {
        ["message": ["id": .string(messageID), "model": .string(model)]]
    }

    /// A snapshot-schema `token_usage` content.
    static func usage(cached: Int64, uncached: Int64, generated: Int64, reasoning: Int64 = 0) -> JSONValue {
        [
            "input": ["cached": .number(JSONNumber(cached)), "uncached": .number(JSONNumber(uncached))],
            "output": ["generated": .number(JSONNumber(generated)), "reasoning": .number(JSONNumber(reasoning)), "tool": 0],
        ]
    }

    typealias Translation = ForeignFixture.Translation

    /// Feeds the objects (numbered from line 1) to a fresh adapter, finishes it and passes the
    /// items through `InferredTimes`.
    static func translate(_ objects: [JSONObject], options: AdapterOptions = AdapterOptions()) -> Translation {
        ForeignFixture.translate(AgtraceAdapter.self, objects.enumerated().map { ($0.element, $0.offset + 1) }, options: options)
    }
}
