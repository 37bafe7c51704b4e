extension Bridge {
    /// Counts of everything the bridge has seen and done. Every span produced is exported,
    /// rejected, written to the fallback file, dropped, lost (``spansFailed``), sampled out or
    /// still queued.
    public struct Statistics: Sendable, Hashable, CustomStringConvertible {
        /// Events received (parsed lines and ``Bridge/receive(_:)-(Event)`` calls).
        public var eventsReceived = 0
        /// JSON lines that were not valid ATOF events (skipped and logged).
        public var badLines = 0
        /// Spans made from the events.
        public var spansProduced = 0
        /// Spans the receiver accepted.
        public var spansExported = 0
        /// Requests sent again after a transient failure.
        public var retries = 0
        /// Spans the receiver declared rejected.
        public var spansRejected = 0
        /// Spans written to the fallback file (replay them with `atof-bridge replay`).
        public var spansInFallback = 0
        /// Spans dropped (`drop` policy, or no fallback file).
        public var spansDropped = 0
        /// Spans lost: neither delivered nor written to the fallback file (for example the disk
        /// was full, or there was no file). The summary (``description``) calls them "lost".
        public var spansFailed = 0
        /// Spans made but not exported because their trace was sampled out (see
        /// ``Configuration/sampling``); counted in ``spansProduced`` too.
        public var spansSampledOut = 0
        /// Spans waiting in the queue.
        public var spansQueued = 0
        /// Scopes that never ended (exported at shutdown or when the open-scope bound was hit).
        public var unendedScopes = 0
        /// Scope ends without a start.
        public var unmatchedEnds = 0

        /// All counts zero.
        public init() {}

        public var description: String {
            "\(eventsReceived) events, \(badLines) bad lines, \(spansProduced) spans: \(spansExported) exported, "
                + "\(spansInFallback) in the fallback file, \(spansRejected) rejected, \(spansDropped) dropped, "
                + "\(spansFailed) lost, \(spansSampledOut) sampled out, \(spansQueued) queued; \(retries) retries; \(unendedScopes) unended scopes, "
                + "\(unmatchedEnds) unmatched ends"
        }
    }
}
