import ATOF

/// A part of a translated event that the foreign input did not state and the adapter inferred.
///
/// Adapters list these in the event's `metadata["adapter.inferred"]`; spans show them as the
/// `atof.inferred` string array.
enum InferredField: String, Sendable, Hashable, CaseIterable {
    case startTime = "start_time"
    case endTime = "end_time"
    case parent
    case end
    case model
}

/// The metadata keys adapters write on every event they emit.
enum AdapterMetadataKey {
    /// The foreign format's name (`ForeignFormat.rawValue`); spans show it as `atof.source.format`.
    static let format = "adapter.format"
    /// The `InferredField` values, as a JSON string array; spans show it as `atof.inferred`.
    static let inferred = "adapter.inferred"
}

extension Event {
    /// Adds `field` to `metadata["adapter.inferred"]`, once.
    mutating func markInferred(_ field: InferredField) {
        var object = metadata?.objectValue ?? JSONObject()
        var fields = object[AdapterMetadataKey.inferred]?.arrayValue ?? []
        let value = JSONValue.string(field.rawValue)
        guard !fields.contains(value) else { return }
        fields.append(value)
        object[AdapterMetadataKey.inferred] = .array(fields)
        metadata = .object(object)
    }
}

extension ForeignEventAdapter {
    /// The metadata every event of this adapter carries: the format, `extra` members (session keys
    /// such as `thread_id` or `session_id`, native ids) and the inferred fields, if any.
    static func metadata(_ extra: JSONObject = JSONObject(), inferred: [InferredField] = []) -> JSONValue {
        var object = extra
        object[AdapterMetadataKey.format] = .string(format.rawValue)
        if !inferred.isEmpty {
            object[AdapterMetadataKey.inferred] = .array(inferred.map { .string($0.rawValue) })
        }
        return .object(object)
    }
}
