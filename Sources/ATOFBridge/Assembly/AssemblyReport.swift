import ATOF

/// Counts of everything that did not pair cleanly, and the diagnostics that name each case.
public struct AssemblyReport: Sendable, Hashable {
    /// Scopes that never ended (exported with `atof.unended`).
    public var unended = 0
    /// Ends without a start (exported with `atof.unmatched_end`).
    public var unmatchedEnds = 0
    /// Second starts while the first was open (exported with `atof.duplicate_start`).
    public var duplicateStarts = 0
    /// Ends stamped before their start (`atof.clock_skew`).
    public var clockSkews = 0
    /// Marks that became `mark:<name>` spans.
    public var orphanMarks = 0
    /// Marks that became span events.
    public var attachedMarks = 0
    /// Stream headers read (they make no span).
    public var streamHeaders = 0
    /// Parent cycles cut (each cut scope is exported as a trace root).
    public var parentCycles = 0
    /// Orphan marks whose uuid is also a scope's (given the span id of a further use of the uuid).
    public var marksReusingScopeUUIDs = 0
    /// One warning per anomaly, with the line it concerns.
    public var diagnostics: [Diagnostic] = []

    public init() {}

    /// Counts an anomaly and adds its warning, naming the line when known.
    mutating func note(_ anomaly: AssembledScope.Anomalies, name: String, uuid: String, source: String, line: Int?, firstLine: Int? = nil) {
        let message: String
        switch anomaly {
        case .unended:
            unended += 1
            message = "scope \"\(name)\" (\(uuid)) never ended; exported with status ERROR and atof.unended"
        case .unmatchedEnd:
            unmatchedEnds += 1
            message = "end of \"\(name)\" (\(uuid)) has no start; exported as a zero-duration span (atof.unmatched_end)"
        case .duplicateStart:
            duplicateStarts += 1
            let first = firstLine.map { " (line \($0))" } ?? ""
            message =
                "second start for uuid \(uuid) while the first\(first) is still open; exported as a separate zero-duration span (atof.duplicate_start)"
        default:
            clockSkews += 1
            message = "end of \"\(name)\" (\(uuid)) is stamped before its start; end time set to the start time (atof.clock_skew)"
        }
        diagnostics.append(Diagnostic(severity: .warning, source: source, line: line, message: message))
    }

    /// Counts a parent cycle cut at scope `uuid`, whose declared parent `parent` lies inside its
    /// own subtree (or is itself), and adds its warning.
    mutating func noteParentCycle(name: String, uuid: String, parent: String, length: Int?, source: String, line: Int?) {
        parentCycles += 1
        let cycle =
            parent == uuid
            ? "names itself as its parent"
            : "names parent \(parent), which descends from it (a parent cycle\(length.map { " of \($0) scopes" } ?? ""))"
        let message = "scope \"\(name)\" (\(uuid)) \(cycle); exported as a trace root, the declared parent kept in atof.parent_uuid"
        diagnostics.append(Diagnostic(severity: .warning, source: source, line: line, message: message))
    }

    /// Counts an orphan mark that reuses the uuid of a scope, exported as use `occurrence` of it.
    mutating func noteMarkReusingScopeUUID(name: String, uuid: String, occurrence: Int, source: String, line: Int?) {
        marksReusingScopeUUIDs += 1
        let message =
            "mark \"\(name)\" reuses the uuid \(uuid) of a scope; its span takes the id of use \(occurrence) of that uuid "
            + "(the hash of \(uuid)#\(occurrence)) so that it does not collide with the scope's span"
        diagnostics.append(Diagnostic(severity: .warning, source: source, line: line, message: message))
    }
}

/// One thing the assembler produced: a scope's span or an orphan mark's span.
package enum AssembledItem: Sendable, Hashable {
    case scope(AssembledScope)
    case orphanMark(OrphanMark)
}

/// An event with where it came from: its line (for diagnostics) and its arrival order.
public struct SourcedEvent: Sendable, Hashable {
    /// The event.
    public var event: Event
    /// Its 1-based line number, when it came from a file.
    public var line: Int?

    public init(_ event: Event, line: Int? = nil) {
        self.event = event
        self.line = line
    }
}
