import ATOFBridge

/// How much of the input an `export` run read, for its summary.
struct InputAccount {
    /// The input's name.
    var source: String
    /// Events and line counts when the file was judged as a whole (offline); `nil` in live mode,
    /// where the bridge counts them.
    var events: Int?
    var badLines = 0
    var warnings = 0
    /// The last line read.
    var lastLine = 0
    /// Whether the input was read to its end (with `--follow`, up to the signal that ended it).
    var readToEnd = true
    /// Spans made from the input but never handed to the bridge (a second signal).
    var spansNotHanded = 0
    /// Spans that could not be made because their lines changed while the input was read again.
    var spansUnreadable = 0
    /// Spans left out of a file judged as a whole because their trace was sampled out.
    var spansSampledOut = 0
    /// Whether a sampler that may leave traces out was in force (the summary then counts them).
    var isSampling = false

    init(source: String) {
        self.source = source
    }

    mutating func record(_ conversion: OfflineConversion) {
        events = conversion.eventCount
        badLines = conversion.badLineCount
        warnings = conversion.warningCount
        lastLine = conversion.lastLineRead
        readToEnd = !conversion.stoppedEarly
        spansSampledOut = conversion.sampledOutCount
    }
}

/// The end of an `export` run: where every span of the input went, and the exit status.
///
/// Every span made from the input is counted once: exported, in the fallback file, rejected,
/// dropped, lost (failed, still queued when time ran out, or never handed over) or, when a
/// sampler is in force, sampled out.
struct ExportOutcome {
    var input: InputAccount
    var statistics: Bridge.Statistics
    var fallbackPath: String?
    /// The signal that interrupted the run (`SIGINT`, `SIGTERM`), if any.
    var interruption: String?

    var events: Int { input.events ?? statistics.eventsReceived }
    var badLines: Int { input.badLines + statistics.badLines }
    var spans: Int { statistics.spansProduced + input.spansNotHanded + input.spansUnreadable + input.spansSampledOut }
    var sampledOut: Int { statistics.spansSampledOut + input.spansSampledOut }
    var lost: Int { statistics.spansFailed + statistics.spansQueued + input.spansNotHanded + input.spansUnreadable }

    /// The summary, one line each, without the `atof-bridge: ` prefix.
    var summaryLines: [String] {
        var lines: [String] = []
        let warnings = input.events == nil ? "" : ", \(input.warnings) warnings"
        if input.readToEnd, let interruption {
            lines.append("stopped by \(interruption): every span read was delivered or written to the fallback file, or is counted below")
        }
        if input.readToEnd {
            let through = input.lastLine > 0 ? " (\(input.lastLine) lines)" : ""
            lines.append("read \(events) events from \(input.source)\(through), \(badLines) bad lines\(warnings)")
        } else {
            lines.append(
                "interrupted by \(interruption ?? "a signal") after line \(input.lastLine) of \(input.source): read \(events) events, "
                    + "\(badLines) bad lines\(warnings); the lines after it were not read. Export the input again to send them "
                    + "(span ids are deterministic: spans sent twice keep their ids)")
        }
        var spansLine =
            "\(spans) spans: \(statistics.spansExported) exported, \(statistics.spansInFallback) in the fallback file, "
            + "\(statistics.spansRejected) rejected, \(statistics.spansDropped) dropped, \(lost) lost"
            + (input.isSampling ? ", \(sampledOut) sampled out" : "") + "; \(statistics.retries) retries; "
            + "\(statistics.unendedScopes) unended scopes, \(statistics.unmatchedEnds) unmatched ends"
        if input.spansNotHanded > 0 {
            spansLine += " (\(input.spansNotHanded) spans were not sent or written: a second signal ended the run at once)"
        }
        if input.spansUnreadable > 0 {
            spansLine +=
                " (\(input.spansUnreadable) spans could not be made: lines of \(input.source) changed while it was read again; "
                + "export it again once nothing writes to it)"
        }
        lines.append(spansLine)
        if lost > 0 {
            let place = fallbackPath.map { " to \($0)" } ?? ""
            lines.append("\(lost) spans lost: neither delivered nor written\(place) (see the errors above)")
        }
        if statistics.spansInFallback > 0, let fallbackPath {
            lines.append(
                "\(statistics.spansInFallback) spans are in \(fallbackPath); send them later with: atof-bridge replay \(fallbackPath)")
        }
        return lines
    }

    /// `nil` (exit 0) when every span of the whole input was delivered; 1 when lines were bad or
    /// spans rejected, dropped or lost; `interruptedStatus` (128 + the signal) when a signal
    /// stopped the reading before the input ended; 2 when the rest is in the fallback file.
    func exitStatus(interruptedStatus: Int32) -> Int32? {
        if badLines > 0 || statistics.spansRejected > 0 || statistics.spansDropped > 0 || lost > 0 { return 1 }
        if !input.readToEnd { return interruptedStatus }
        if statistics.spansInFallback > 0 { return 2 }
        return nil
    }
}
