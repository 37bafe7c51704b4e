import ATOFBridge
import ArgumentParser

extension TraceSampler: ExpressibleByArgument {}

/// The sampling options of `convert` and `export`: they override `OTEL_TRACES_SAMPLER` and
/// `OTEL_TRACES_SAMPLER_ARG`.
struct SamplingFlags: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Which traces to keep (default: OTEL_TRACES_SAMPLER, else always_on).",
            discussion: "One of: " + TraceSampler.allCases.map(\.rawValue).joined(separator: ", ")
                + ". Traces are decided whole, by trace id; error traces are kept while ATOF_BRIDGE_KEEP_ERRORS is on (default).",
            valueName: "name"))
    var sampler: TraceSampler?

    @Option(
        help: ArgumentHelp(
            "The ratio of traces the traceidratio samplers keep, 0 to 1 (default: OTEL_TRACES_SAMPLER_ARG, else 1).", valueName: "ratio"))
    var samplerArg: Double?

    func validate() throws {
        if let samplerArg, !(samplerArg >= 0 && samplerArg <= 1) {
            throw ValidationError("--sampler-arg must be a number from 0 to 1")
        }
    }

    /// `configuration` (read from the environment) with these options applied.
    func applied(to configuration: SamplingConfiguration) -> SamplingConfiguration {
        var configuration = configuration
        if let sampler { configuration.sampler = sampler }
        if let samplerArg { configuration.ratio = samplerArg }
        return configuration
    }
}
