extension OTLP {
    /// One finished span, shaped like an OTLP `Span`: what the mapping produces and every encoder and
    /// exporter consumes.
    public struct Span: Sendable, Hashable {
        /// The 16-byte trace id.
        public var traceID: OTLP.TraceID
        /// The 8-byte span id.
        public var spanID: OTLP.SpanID
        /// The parent's span id; `nil` for a trace root.
        public var parentSpanID: OTLP.SpanID?
        /// The W3C `tracestate` carried in from a joined trace, if any.
        public var traceState: String?
        /// The span name (the ATOF start event's `name`, unchanged).
        public var name: String
        /// The OTLP span kind.
        public var kind: OTLP.SpanKind
        /// Start time in nanoseconds since the Unix epoch.
        public var startTimeUnixNano: UInt64
        /// End time in nanoseconds since the Unix epoch (never before the start).
        public var endTimeUnixNano: UInt64
        /// Attributes, each key at most once.
        public var attributes: [OTLP.Attribute]
        /// How many attributes were dropped or cut.
        public var droppedAttributesCount: UInt32
        /// Span events (ATOF marks, exceptions).
        public var events: [OTLP.SpanEvent]
        /// How many events were over the per-span cap.
        public var droppedEventsCount: UInt32
        /// The span status.
        public var status: OTLP.SpanStatus
        /// OTLP span flags: W3C trace flags in bits 0-7 (sampled = 1), remote-parent bits 8-9.
        public var flags: UInt32

        public init(
            traceID: OTLP.TraceID,
            spanID: OTLP.SpanID,
            parentSpanID: OTLP.SpanID? = nil,
            traceState: String? = nil,
            name: String,
            kind: OTLP.SpanKind = .internal,
            startTimeUnixNano: UInt64,
            endTimeUnixNano: UInt64,
            attributes: [OTLP.Attribute] = [],
            droppedAttributesCount: UInt32 = 0,
            events: [OTLP.SpanEvent] = [],
            droppedEventsCount: UInt32 = 0,
            status: OTLP.SpanStatus = .unset,
            flags: UInt32 = 0x01
        ) {
            self.traceID = traceID
            self.spanID = spanID
            self.parentSpanID = parentSpanID
            self.traceState = traceState
            self.name = name
            self.kind = kind
            self.startTimeUnixNano = startTimeUnixNano
            self.endTimeUnixNano = endTimeUnixNano
            self.attributes = attributes
            self.droppedAttributesCount = droppedAttributesCount
            self.events = events
            self.droppedEventsCount = droppedEventsCount
            self.status = status
            self.flags = flags
        }

        /// The value of the attribute `key`, if the span has it.
        public subscript(attribute key: String) -> OTLP.AttributeValue? {
            attributes.first { $0.key == key }?.value
        }
    }
}

extension OTLP {
    /// The OTLP `Span.SpanKind` values (field numbers of the official schema).
    public enum SpanKind: Int32, Sendable, Hashable, CaseIterable {
        case unspecified = 0
        case `internal` = 1
        case server = 2
        case client = 3
        case producer = 4
        case consumer = 5
    }
}

extension OTLP {
    /// An event recorded on a span at one instant.
    public struct SpanEvent: Sendable, Hashable {
        /// The event name (a mark's name, or `exception`).
        public var name: String
        /// Time in nanoseconds since the Unix epoch.
        public var timeUnixNano: UInt64
        /// The event's attributes.
        public var attributes: [OTLP.Attribute]

        public init(name: String, timeUnixNano: UInt64, attributes: [OTLP.Attribute] = []) {
            self.name = name
            self.timeUnixNano = timeUnixNano
            self.attributes = attributes
        }
    }
}

extension OTLP {
    /// The OTLP span status.
    public struct SpanStatus: Sendable, Hashable {
        /// The OTLP `Status.StatusCode` values.
        public enum Code: Int32, Sendable, Hashable {
            case unset = 0
            case ok = 1
            case error = 2
        }

        /// The status code.
        public var code: Code
        /// A developer-facing message; only meaningful with ``Code/error``.
        public var message: String

        public init(code: Code, message: String = "") {
            self.code = code
            self.message = message
        }

        /// No status was reported.
        public static let unset = OTLP.SpanStatus(code: .unset)
        /// The operation succeeded.
        public static let ok = OTLP.SpanStatus(code: .ok)
        /// The operation failed, with a message.
        public static func error(_ message: String) -> OTLP.SpanStatus { OTLP.SpanStatus(code: .error, message: message) }
    }
}
