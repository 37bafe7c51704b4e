import ATOF
import Instrumentation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A swift-log `LogHandler` that puts the app's log records into its trace: a record emitted
/// inside a scope (a `with…` scope or an ``ATOFTracer`` span) also becomes a `log` mark on it,
/// a span event on its span. Every record goes on to the wrapped handler, unchanged.
///
/// ```swift
/// LoggingSystem.bootstrap { label in
///     ATOFLogHandler(label: label, wrapping: StreamLogHandler.standardError(label: label))
/// }
/// ```
///
/// The mark's `metadata` holds `level`, `logger` (the label) and `source` (the module), which the
/// bridge writes as `atof.metadata.*` event attributes; its `data` holds `message` and the
/// record's `metadata` (the handler's, the metadata provider's and the record's own, as strings,
/// lists and objects), which are content: with ``captureContent`` off they are not recorded.
///
/// Only records the logger lets through (its level is the wrapped handler's) at ``threshold``
/// or above become marks; outside any scope, or with no subscriber installed, the handler only
/// forwards. A mark costs about what ``mark(name:data:metadata:)`` costs; marks count against
/// the bridge's event cap (128 per span by default, the rest counted).
public struct ATOFLogHandler: LogHandler {
    /// The app's own handler, which receives every record.
    public var wrapped: any LogHandler
    /// The lowest level recorded as a mark. Default `.info`.
    public var threshold: Logger.Level
    /// Record the message and the metadata (`false`: only level, logger and source). Environment:
    /// `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`, the bridge's content switch (only an
    /// explicit false value turns it off). Default `true`.
    public var captureContent: Bool
    /// The logger's label, recorded as `logger`.
    public let label: String

    /// Wraps `handler`, the app's own, for the logger labelled `label`.
    public init(
        label: String,
        wrapping handler: any LogHandler,
        threshold: Logger.Level = .info,
        captureContent: Bool = ATOFLogHandler.captureContentFromEnvironment
    ) {
        self.label = label
        self.wrapped = handler
        self.threshold = threshold
        self.captureContent = captureContent
    }

    /// `false` when `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` is `false`, `0`, `no` or
    /// `off` (any case), else `true`.
    public static var captureContentFromEnvironment: Bool {
        guard let raw = getenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT") else { return true }
        let value = String(cString: raw).lowercased().filter { !$0.isWhitespace }
        return !["false", "0", "no", "off"].contains(value)
    }

    /// The wrapped handler's level.
    public var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    /// The wrapped handler's metadata.
    public var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    /// The wrapped handler's metadata provider.
    public var metadataProvider: Logger.MetadataProvider? {
        get { wrapped.metadataProvider }
        set { wrapped.metadataProvider = newValue }
    }

    /// One metadata value of the wrapped handler.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    /// Records `event` as a mark on the current scope when it qualifies, then forwards it.
    public func log(event: LogEvent) {
        if event.level >= threshold, let sinks = Registry.active, let scope = InstrumentationContext.current?[ScopeKey.self] {
            scope.pendingStart?.emitStartIfNeeded()
            let context: JSONValue = [
                "level": .string(event.level.rawValue), "logger": .string(label), "source": .string(event.source),
            ]
            ScopeRecorder.mark(
                in: sinks, parentUUID: scope.uuid, name: "log", data: captureContent ? content(of: event) : nil, metadata: context)
        }
        wrapped.log(event: event)
    }

    /// `{"message": ..., "metadata": {...}}`: the message and the merged metadata (the handler's,
    /// then the provider's, then the record's; later keys win).
    func content(of event: LogEvent) -> JSONValue {
        var merged = wrapped.metadata
        if let provided = wrapped.metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        var object = JSONObject([.init(key: "message", value: .string(event.message.description))])
        if !merged.isEmpty {
            object["metadata"] = .object(
                JSONObject(merged.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: Self.json($0.value)) }))
        }
        return .object(object)
    }

    /// A metadata value as JSON: strings (and string-convertibles) as strings, lists as arrays,
    /// dictionaries as objects (keys sorted).
    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): return .string(text)
        case .stringConvertible(let convertible): return .string(convertible.description)
        case .array(let values): return .array(values.map(json))
        case .dictionary(let members):
            return .object(JSONObject(members.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: json($0.value)) }))
        }
    }
}
