import ATOF

@testable import ATOFBridge

/// A small translator for the routing tests, claiming the enact format (so its lines are detected
/// by enact's rule): `data-step-start`/`data-step-end` with `step_id`, optional `parent_id` and
/// a millisecond `timestamp` become scopes; `data-text-delta` (no time) a mark; any other type a
/// mark with one warning; `finish` ends the steps still open, the end inferred.
struct TestAdapter: ForeignEventAdapter {
    static let format = ForeignFormat.enact

    static func recognizes(_ object: JSONObject) -> Bool {
        object["type"]?.stringValue?.hasPrefix("data-") == true
    }

    private var open: [String] = []
    private var lastLine = 0
    private var model: String?

    init(options: AdapterOptions) {
        model = options.model
    }

    mutating func translate(_ object: JSONObject, line: Int, into output: inout AdapterOutput) {
        lastLine = line
        let type = object["type"]?.stringValue ?? ""
        let step = object["step_id"]?.stringValue ?? "_"
        let time = Timestamp(nanosecondsSinceEpoch: (object["timestamp"]?.int64Value ?? 0) * 1_000_000)
        switch type {
        case "data-step-start":
            open.append(step)
            let parent = object["parent_id"]?.stringValue.map { "test:\($0)" }
            var metadata = JSONObject()
            if let model { metadata["model"] = .string(model) }
            output.emit(
                Event(
                    family: .v0_2, kind: .scopeStart, uuid: "test:\(step)", parentUUID: parent, timestamp: time, name: "step \(step)",
                    category: "function", metadata: Self.metadata(metadata)),
                line: line)
        case "data-step-end":
            open.removeAll { $0 == step }
            output.emit(
                Event(
                    family: .v0_2, kind: .scopeEnd, uuid: "test:\(step)", timestamp: time, name: "step \(step)", category: "function",
                    status: .ok, metadata: Self.metadata()),
                line: line)
        case "data-text-delta":
            output.emit(
                Event(
                    family: .v0_2, kind: .mark, uuid: "test:mark:\(line)", parentUUID: open.last.map { "test:\($0)" },
                    timestamp: Timestamp(nanosecondsSinceEpoch: 0), name: "text", metadata: Self.metadata()),
                line: line, timeKnown: false)
        default:
            output.warn("unknown enact type \(type)", line: line)
        }
    }

    mutating func finish(into output: inout AdapterOutput) {
        for step in open.reversed() {
            output.emit(
                Event(
                    family: .v0_2, kind: .scopeEnd, uuid: "test:\(step)", timestamp: Timestamp(nanosecondsSinceEpoch: 0),
                    name: "step \(step)",
                    category: "function", metadata: Self.metadata(inferred: [.end])),
                line: lastLine, timeKnown: false)
        }
        open.removeAll()
    }
}
