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
    /// One warning per anomaly, with the line it concerns.
    public var diagnostics: [Diagnostic] = []

    public init() {}
}

/// One thing the assembler produced: a scope's span or an orphan mark's span.
public enum AssembledItem: Sendable, Hashable {
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
