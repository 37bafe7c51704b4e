import ATOF

/// The router between an input's lines and the foreign formats' translators (adapters.md §1.2).
///
/// One value reads one input. It owns one translator per foreign format, made from the registry
/// on the format's first line, each with its own state and its own ``InferredTimes``, so spans
/// of different formats never nest. The first recognized line locks the input's main format; the
/// first line of each other format gets one warning. A line of no known format, or of another
/// format than the one forced, is an error naming the line, and is skipped and counted. The
/// caller decodes ATOF lines itself (``Outcome/atof``) and frames SSE (``SSEFraming``); it calls
/// ``finish(into:)`` at the end of the input, at shutdown, and at `data: [DONE]`.
struct ForeignTranslation: Sendable {
    /// What became of one line.
    enum Outcome: Sendable, Hashable {
        /// An ATOF line, or one that is not a JSON object: the caller decodes it (it is counted).
        case atof
        /// Read by a translator (its events, if any, are in the items).
        case translated
        /// Skipped as an error (in ``diagnostics``).
        case skipped
    }

    /// One translator and the time pass over its events.
    private struct Slot: Sendable {
        var adapter: any ForeignEventAdapter
        var times = InferredTimes()
    }

    /// The input's name in diagnostics.
    var source: String
    /// Diagnostics not yet taken by the caller, in line order.
    var diagnostics: [Diagnostic] = []
    /// The lines of each format so far.
    private(set) var counts = InputFormatCounts()

    /// The translators, in detection order.
    private let adapterTypes: [any ForeignEventAdapter.Type]
    private let forced: InputFormat
    private let options: AdapterOptions
    /// The time given to events when no event of their translator has one.
    private let fallbackTime: Timestamp
    private var slots: [ForeignFormat: Slot] = [:]
    /// The input's main format (its name in messages) and the line that set it.
    private var main: (name: String, line: Int)?
    /// The formats already warned about as switches away from the main one.
    private var switched: Set<String> = []

    /// A router over `adapterTypes` (by default every format's translator).
    ///
    /// - Parameters:
    ///   - format: `auto` detects each line; a foreign format accepts only its lines; `atof`
    ///     sends every line back to the caller.
    ///   - liveHold: for live input, the longest a translator holds an event, in nanoseconds of
    ///     event time (the live assembler's hold, given to each translator as
    ///     ``AdapterOptions/maximumHold``); `nil` offline (held until the input ends).
    init(
        source: String, format: InputFormat = .auto, options: AdapterOptions = AdapterOptions(),
        adapterTypes: [any ForeignEventAdapter.Type] = ForeignFormat.adapterTypes, fallbackTime: Timestamp = .wallClock,
        liveHold: Int64? = nil
    ) {
        self.source = source
        forced = format
        var options = options
        options.maximumHold = liveHold
        self.options = options
        self.fallbackTime = fallbackTime
        self.adapterTypes = adapterTypes
    }

    /// Routes one parsed line (`value`, read at the 1-based `line`); settled events are appended to
    /// `items`, in order.
    mutating func route(_ value: JSONValue, line: Int, into items: inout [AdapterOutput.Item]) -> Outcome {
        if let format = forced.foreignFormat { return route(value, line: line, as: format, forcedBy: "by --from", into: &items) }
        if forced == .atof {
            noteATOF(line: line)
            return .atof
        }
        guard case .object(let object) = value else {
            // Not an object: the caller's ATOF decoder says so, as for any input.
            noteInvalid()
            return .atof
        }
        if FormatDetector.isATOF(object) {
            noteATOF(line: line)
            return .atof
        }
        guard let type = FormatDetector.translator(for: object, among: adapterTypes) else {
            counts.unknown += 1
            error(FormatDetector.unknownLineMessage, line: line)
            return .skipped
        }
        return translate(object, line: line, as: type, into: &items)
    }

    /// Routes one parsed line that must be of `format` (the `Bridge`'s typed entry, or `--from`).
    mutating func route(
        _ value: JSONValue, line: Int, as format: ForeignFormat, forcedBy reason: String = "by the caller",
        into items: inout [AdapterOutput.Item]
    ) -> Outcome {
        guard case .object(let object) = value, let type = adapterTypes.first(where: { $0.format == format }), type.recognizes(object)
        else {
            counts.unknown += 1
            error("expected \(format.rawValue) event (set \(reason)); line skipped", line: line)
            return .skipped
        }
        return translate(object, line: line, as: type, into: &items)
    }

    /// The diagnostics so far, handed over once.
    mutating func takeDiagnostics() -> [Diagnostic] {
        defer { diagnostics.removeAll() }
        return diagnostics
    }

    /// Counts a line that is not a JSON object (the caller reports it as the ATOF decoder does).
    mutating func noteInvalid() {
        counts.unknown += 1
    }

    /// Counts an ATOF line the caller decoded without asking (`line` locks the main format when
    /// it is the first).
    mutating func noteATOF(line: Int) {
        counts.atof += 1
        lockIn("ATOF", line: line)
    }

    /// The end of the input, of a stream (`data: [DONE]`) or the shutdown: every translator
    /// finishes, its held events are settled, and a later line starts with fresh state.
    mutating func finish(into items: inout [AdapterOutput.Item]) {
        for format in ForeignFormat.allCases {
            guard var slot = slots.removeValue(forKey: format) else { continue }
            var output = AdapterOutput()
            slot.adapter.finish(into: &output)
            settle(output, in: &slot, into: &items)
            slot.times.finish(fallback: fallbackTime, into: &items)
        }
    }

    // MARK: - Internals

    private mutating func translate(
        _ object: JSONObject, line: Int, as type: any ForeignEventAdapter.Type, into items: inout [AdapterOutput.Item]
    ) -> Outcome {
        let format = type.format
        counts.foreign[format, default: 0] += 1
        lockIn(format.rawValue, line: line)
        var slot = slots.removeValue(forKey: format) ?? Slot(adapter: type.init(options: options))
        var output = AdapterOutput()
        slot.adapter.translate(object, line: line, into: &output)
        settle(output, in: &slot, into: &items)
        slots[format] = slot
        return .translated
    }

    /// Passes a translator's output through its time pass; its notes become diagnostics.
    private mutating func settle(_ output: AdapterOutput, in slot: inout Slot, into items: inout [AdapterOutput.Item]) {
        for note in output.notes {
            diagnostics.append(Diagnostic(severity: note.severity, source: source, line: note.line, message: note.message))
        }
        for item in output.items { slot.times.pass(item, into: &items) }
    }

    private mutating func lockIn(_ name: String, line: Int) {
        guard let main else {
            main = (name, line)
            return
        }
        guard name != main.name, switched.insert(name).inserted else { return }
        diagnostics.append(
            Diagnostic(
                severity: .warning, source: source, line: line,
                message: "\(name) line in an input that started as \(main.name) (line \(main.line)); both are read separately"))
    }

    private mutating func error(_ message: String, line: Int) {
        diagnostics.append(Diagnostic(severity: .error, source: source, line: line, message: message))
    }
}
