import ATOFThreads
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What one attempt of an export came to, as the retry loop needs it.
enum ExportAttempt {
    /// The receiver answered and the batch's fate is known (delivered, partly rejected, split).
    case finished(ExportResult)
    /// The attempt failed; `retryAfter` is the wait the receiver asked for (`Retry-After`,
    /// gRPC `RetryInfo`), if any. Whether it is retried is ``ExportError/isRetryable``.
    case failed(ExportError, retryAfter: Duration?)
}

/// What an exporter remembers between exports about its receiver's health and its log.
struct ExportLinkState {
    var unreachable = false
    /// After a timeout: no request before this instant (batches go to the fallback file).
    var quietUntil: MonotonicInstant?
    var loggedMessages: Set<String> = []

    mutating func markUnreachable(timedOut: Bool, probeInterval: Duration) {
        unreachable = true
        if timedOut { quietUntil = .after(probeInterval) }
    }

    mutating func markReachable() {
        unreachable = false
        quietUntil = nil
    }
}

/// An exporter's mutable state, which holds the link state the retry loop updates.
protocol ExportLinkHolding {
    var link: ExportLinkState { get set }
}

/// The retry loop the OTLP exporters share (``OTLPHTTPExporter``, ``OTLPGRPCExporter``): attempts
/// inside the export timeout, backoff with jitter or the receiver's requested delay (capped at
/// ``RetryPolicy/maximumRetryAfter``), a single attempt per batch while the receiver is
/// unreachable, no attempt at all for ``RetryPolicy/unreachableProbeInterval`` after a timeout,
/// and cancellation during waits. Messages are logged once each, redacted.
struct RetryDriver: Sendable {
    let retry: RetryPolicy
    let exportTimeout: Duration
    let cancellation: Cancellation
    let logger: Logger
    let redactor: SecretRedactor

    /// Runs `attempt` (given the time left) until the batch is finished, a failure is final, or
    /// time runs out. Connection failures and timeouts mark the link unreachable; `attempt` marks
    /// it reachable when the receiver answers.
    func run<State: ExportLinkHolding>(
        _ batch: OTLP.SpanBatch, deadline: MonotonicInstant, state: inout State,
        attempt: (Duration, inout State) -> ExportAttempt
    ) -> ExportResult {
        if let quietUntil = state.link.quietUntil, !quietUntil.hasPassed {
            return .failed(
                batch,
                .timedOut(
                    "the collector did not answer in time; batches go to the fallback file, with one attempt every \(retry.unreachableProbeInterval) until it answers"
                ))
        }
        let attempts = state.link.unreachable ? 1 : retry.maximumAttempts
        var retries = 0
        for number in 1... {
            let remaining = deadline.remaining
            guard remaining > .zero else {
                state.link.markUnreachable(timedOut: true, probeInterval: retry.unreachableProbeInterval)
                return .failed(batch, .timedOut("the export timeout of \(exportTimeout) passed"), retries: retries)
            }
            let failure: ExportError
            let retryAfter: Duration?
            switch attempt(remaining, &state) {
            case .finished(var result):
                result.retries += retries
                return result
            case .failed(.shutDown, _):
                return .failed(batch, .shutDown, retries: retries)
            case .failed(let error, let requested):
                failure = error
                retryAfter = requested
                switch error {
                case .connection: state.link.markUnreachable(timedOut: false, probeInterval: retry.unreachableProbeInterval)
                case .timedOut: state.link.markUnreachable(timedOut: true, probeInterval: retry.unreachableProbeInterval)
                default: break
                }
            }
            guard failure.isRetryable, number < attempts, !cancellation.isCancelled else {
                logOnce(failure.description, link: &state.link)
                return .failed(batch, failure, retries: retries)
            }
            let delay = retryAfter.map { min($0, retry.maximumRetryAfter) } ?? backoff(afterAttempt: number)
            guard delay < deadline.remaining else {
                logOnce("\(failure.description); no time left to retry within the export timeout", link: &state.link)
                return .failed(batch, failure, retries: retries)
            }
            logger.debug(
                "retrying export",
                metadata: ["attempt": "\(number)", "delay": "\(delay)", "reason": "\(redactor.redact(failure.description))"])
            guard cancellation.sleep(for: delay) else { return .failed(batch, .shutDown, retries: retries) }
            retries += 1
        }
        return .failed(batch, .shutDown, retries: retries)  // not reached: the loop returns
    }

    /// `initialBackoff × multiplier^(attempt-1)`, capped, with jitter.
    func backoff(afterAttempt attempt: Int) -> Duration {
        let base = retry.initialBackoff.secondsValue * pow(retry.multiplier, Double(attempt - 1))
        let capped = min(base, retry.maximumBackoff.secondsValue)
        let factor = retry.jitter > 0 ? Double.random(in: (1 - retry.jitter)...(1 + retry.jitter)) : 1
        return .nanoseconds(Int64(capped * factor * 1e9))
    }

    /// Logs `message`, redacted, as a warning the first time it is seen (at most 100 distinct
    /// messages).
    func logOnce(_ message: String, link: inout ExportLinkState) {
        let message = redactor.redact(message)
        guard !link.loggedMessages.contains(message) else { return }
        if link.loggedMessages.count < 100 { link.loggedMessages.insert(message) }
        logger.warning("\(message)")
    }
}
