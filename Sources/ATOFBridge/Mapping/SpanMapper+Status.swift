import ATOF

/// The span status and error attributes of one scope (span-mapping.md §5).
///
/// Choices where the contract is silent:
/// - A duplicate start (no end of its own) is UNSET; otherwise a synthesized end (`unended`) is
///   ERROR `scope did not end`, before anything else is considered.
/// - 0.2 `error` without an error object: ERROR with an empty message and no `error.type`.
/// - 0.2 `cancelled` with an error object also gets `error.type` and the `exception` event.
/// - 0.2 unknown status values: UNSET, with the raw value in `atof.status` (as for `cancelled`);
///   `ok` and `error` write no `atof.status`. An error object next to `ok` is ignored.
/// - Error messages join the non-empty parts of `<type>: <message>`.
/// - 0.1 status codes are matched case-insensitively (`ok` is OK); any other value is UNSET (the raw
///   value stays in `atof.metadata.otel.status_code`). The `replace_dots` spellings
///   `otel_status_code`, `otel_status_description`, `error_type`, `exception_type`,
///   `exception_stacktrace` are read when the dotted key is absent. The 0.1 `exception` event gets
///   `exception.message` = the status description, else metadata `exception.message`, and
///   `exception.stacktrace` when metadata has one.
struct StatusOutcome: Sendable {
    var status: OTLP.SpanStatus = .unset
    var errorType: String?
    var atofStatus: String?
    var exceptionType: String?
    var exceptionMessage: String?
    var exceptionStacktrace: String?
    var hasException = false

    init(scope: AssembledScope) {
        if scope.anomalies.contains(.duplicateStart), scope.end == nil {
            return
        }
        if scope.anomalies.contains(.unended) {
            status = .error("scope did not end")
            return
        }
        guard let end = scope.end else { return }
        switch end.family {
        case .v0_2: read02(end)
        case .v0_1: read01(JSONRead.object(end.metadata))
        }
    }

    private mutating func read02(_ end: Event) {
        guard let value = end.status else { return }
        switch value {
        case .ok:
            status = .ok
        case .error:
            status = .error(Self.join([end.error?.type, end.error?.message]))
            recordError(end.error)
        case .cancelled:
            status = .error(Self.join(["cancelled", end.error?.type, end.error?.message]))
            atofStatus = "cancelled"
            recordError(end.error)
        case .other(let raw):
            status = .unset
            atofStatus = raw
        }
    }

    private mutating func recordError(_ error: ErrorInfo?) {
        guard let error else { return }
        errorType = error.type.isEmpty ? nil : error.type
        hasException = true
        exceptionType = error.type
        exceptionMessage = error.message
        exceptionStacktrace = error.stack
    }

    private mutating func read01(_ metadata: JSONObject?) {
        guard let metadata else { return }
        // Each key also in the spelling a `replace_dots` relay writes (`otel.status_code` → `otel_status_code`).
        func lookup(_ dotted: String, _ underscored: String) -> String? {
            JSONRead.string(metadata[dotted]) ?? JSONRead.string(metadata[underscored])
        }
        let description = lookup("otel.status_description", "otel_status_description")
        switch lookup("otel.status_code", "otel_status_code")?.uppercased() {
        case "OK": status = .ok
        case "ERROR": status = .error(description ?? "")
        default: status = .unset
        }
        let declaredErrorType = lookup(AttributeKey.errorType, "error_type")
        let declaredExceptionType = lookup(AttributeKey.exceptionType, "exception_type")
        if declaredErrorType != nil || declaredExceptionType != nil {
            errorType = declaredErrorType ?? declaredExceptionType
            hasException = true
            exceptionType = declaredExceptionType ?? declaredErrorType
            exceptionMessage = description ?? lookup(AttributeKey.exceptionMessage, "exception_message")
            exceptionStacktrace = lookup(AttributeKey.exceptionStacktrace, "exception_stacktrace")
        }
    }

    /// The `exception` span event at the span's end time, when there is an error to describe.
    func exceptionEvent(at time: UInt64) -> OTLP.SpanEvent? {
        guard hasException else { return nil }
        var builder = AttributeBuilder(reservingCapacity: 3)
        builder.set(.exceptionType, string: exceptionType)
        builder.set(.exceptionMessage, string: exceptionMessage)
        builder.set(.exceptionStacktrace, string: exceptionStacktrace)
        return OTLP.SpanEvent(name: "exception", timeUnixNano: time, attributes: builder.attributes)
    }

    private static func join(_ parts: [String?]) -> String {
        parts.compactMap { part in part.flatMap { $0.isEmpty ? nil : $0 } }.joined(separator: ": ")
    }
}
