import ATOF

extension SpanMapper {
    /// Writes `atof.source.format` and `atof.inferred` (adapters.md §7) from the metadata keys the
    /// foreign-format translators set (`adapter.format`, `adapter.inferred`), and takes those keys
    /// out of `metadata` so that they are not repeated as `atof.metadata.adapter.*`.
    ///
    /// `atof.inferred` joins the start's and the end's lists (the start infers its time, the end
    /// its own). Metadata without these keys (every ATOF input) is left as it is.
    static func writeSourceFormat(
        start: JSONValue?, end: JSONValue?, metadata: inout JSONValue?, into builder: inout AttributeBuilder
    ) {
        guard case .object(var object)? = metadata, object.members.contains(where: { isAdapterKey($0.key) }) else { return }
        var inferred: [String] = []
        for value in [start, end] {
            guard case .object(let part)? = value, case .array(let fields)? = part[AdapterMetadataKey.inferred] else { continue }
            for case .string(let field) in fields where !inferred.contains(field) { inferred.append(field) }
        }
        if case .string(let format)? = object[AdapterMetadataKey.format] { builder.set(.atofSourceFormat, string: format) }
        if !inferred.isEmpty { builder.set(.atofInferred, .stringArray(inferred)) }
        object.members.removeAll { isAdapterKey($0.key) }
        metadata = .object(object)
    }

    private static func isAdapterKey(_ key: String) -> Bool {
        key == AdapterMetadataKey.format || key == AdapterMetadataKey.inferred
    }
}
