extension Event {
    /// The event as a JSON object in its own family's wire form.
    ///
    /// Re-encoding loses nothing the event carried: unknown members, profile keys, number text
    /// and the timestamp's original form are written back. Optional fields that were `null` or
    /// absent are left out (ATOF treats the two the same).
    public var jsonObject: JSONObject {
        var members: [JSONObject.Member] = []
        func add(_ key: String, _ value: JSONValue?) {
            if let value { members.append(JSONObject.Member(key: key, value: value)) }
        }
        func flagsValue() -> JSONValue { .array(flags.map { .string($0) }) }

        switch family {
        case .v0_1:
            add("kind", .string(kind == .mark ? "mark" : "scope"))
            add("atof_version", .string(version))
            if kind != .mark {
                add("scope_category", .string(kind == .scopeEnd ? "end" : "start"))
                add("category", category.map { .string($0) } ?? .null)
                add("attributes", flagsValue())
            } else {
                add("category", category.map { .string($0) })
            }
            add("category_profile", profile)
            add("data_schema", dataSchema.map { .object(JSONObject(["name": .string($0.name), "version": .string($0.version)])) })
        case .v0_2:
            let kindName: String =
                switch kind {
                case .scopeStart: "ScopeStart"
                case .scopeEnd: "ScopeEnd"
                case .mark: "Mark"
                case .streamHeader: headerSpelling ?? "StreamHeader"
                }
            add("kind", .string(kindName))
            add("schema_version", .string(version))
            if isScope {
                add("scope_type", category.map { .string($0) } ?? .string(""))
                add("flags", flagsValue())
                add("profile", profile)
            }
            add("input", input)
            add("output", output)
            add("status", status.map { .string($0.rawValue) })
            if let error {
                var errorObject = JSONObject([
                    JSONObject.Member(key: "type", value: .string(error.type)),
                    JSONObject.Member(key: "message", value: .string(error.message)),
                ])
                if let stack = error.stack { errorObject["stack"] = .string(stack) }
                errorObject.members.append(contentsOf: error.unknownFields.members)
                add("error", .object(errorObject))
            }
        }
        add("uuid", .string(uuid))
        add("parent_uuid", parentUUID.map { .string($0) })
        add("timestamp", timestamp.jsonValue)
        add("name", .string(name))
        add("data", data)
        add("metadata", metadata)
        members.append(contentsOf: unknownFields.members)
        return JSONObject(members)
    }

    /// The event as one compact JSON line (without the line break).
    public var jsonLine: String {
        JSONValue.object(jsonObject).compactJSON
    }
}
