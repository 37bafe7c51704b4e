import ATOF

/// A stateful translator from one foreign format's JSON objects to ATOF 0.2 events.
///
/// One adapter value reads one input (one file, one stream) of its format. It is fed the input's
/// objects in order and may emit zero or more events per object, including starts it can only now
/// infer; `finish` emits what the end of input implies (held ends, implied session or turn ends).
/// Ids are deterministic strings namespaced by format and a run key, so translating the same input
/// twice gives the same events.
protocol ForeignEventAdapter: Sendable {
    /// The format this adapter reads.
    static var format: ForeignFormat { get }

    /// Whether a parsed object is this format: the format's row of the detection table
    /// (adapters.md §1.2, a few key lookups); ``FormatDetector`` tests the rows through it.
    static func recognizes(_ object: JSONObject) -> Bool

    init(options: AdapterOptions)

    /// Translates one object read at the 1-based `line`.
    mutating func translate(_ object: JSONObject, line: Int, into output: inout AdapterOutput)

    /// The end of the input (or of an SSE stream at `data: [DONE]`): emits held and implied events.
    mutating func finish(into output: inout AdapterOutput)
}

/// What an adapter is told about the run it translates.
struct AdapterOptions: Sendable, Hashable {
    /// The model to name where the format never does (`--model`); flagged as inferred when used.
    var model: String?
    /// Live input: the longest an adapter holds an event back for a later one (an LLM end waiting
    /// for its usage), in nanoseconds of event time, before it emits what it has (contract §7.2:
    /// the live assembler's hold). `nil` (offline input) holds until the input ends.
    var maximumHold: Int64?

    init(model: String? = nil, maximumHold: Int64? = nil) {
        self.model = model
        self.maximumHold = maximumHold
    }
}

/// The events and diagnostics an adapter emits, in order.
struct AdapterOutput: Sendable {
    /// One translated event and where it came from.
    struct Item: Sendable {
        /// The ATOF 0.2 event. When `timeKnown` is false its timestamp is a placeholder that the
        /// time pass replaces (starts and marks take the nearest earlier known time, ends the
        /// nearest later one) and flags as inferred.
        var event: Event
        /// The 1-based input line the event comes from (the closing line for `finish`).
        var line: Int
        /// Whether the input gave this event's time.
        var timeKnown: Bool
    }

    /// A problem with one line, or with the input as a whole when `line` is nil.
    struct Note: Sendable, Hashable {
        var severity: Diagnostic.Severity
        var line: Int?
        var message: String
    }

    var items: [Item] = []
    var notes: [Note] = []

    mutating func emit(_ event: Event, line: Int, timeKnown: Bool = true) {
        items.append(Item(event: event, line: line, timeKnown: timeKnown))
    }

    mutating func warn(_ message: String, line: Int?) {
        notes.append(Note(severity: .warning, line: line, message: message))
    }
}
