import ATOF
import ATOFBridge
import ArgumentParser

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Summarize a run: per-category counts, durations, errors and tokens, anomalies, and a tree per trace.",
        discussion: """
            The input is ATOF JSON lines (paired and mapped exactly as `convert` does, so the \
            figures describe the spans `convert` writes) or OTLP/JSON lines (`convert --to \
            otlp-json` output, fallback files, the Collector's file exporter): the first non-blank \
            line decides; an object with resourceSpans means OTLP/JSON.
            Category: the atof.category attribute, else openinference.span.kind in lower case, \
            else "other". Durations are end minus start. p50 and p95 use the nearest-rank method: \
            with n durations sorted ascending, the p-th percentile is the one at rank ⌈p × n / 100⌉, \
            always a measured value. Tokens are gen_ai.usage.input_tokens / output_tokens, else \
            llm.token_count.prompt / completion. Anomalies count the spans marked atof.unended, \
            atof.unmatched_end, atof.mark.orphan, atof.duplicate_start and atof.clock_skew.
            Each trace (by start time) is drawn as a tree: parents by parent span id (a span whose \
            parent is not in the trace is a root), then name, category, duration, ✗ for an error \
            status, and a bar placing the span in the trace's time window. Only the first \
            \(StatsReport.defaultTraceLimit) trees are drawn unless --all-traces (this limit applies \
            to --json too). Width: --width, else COLUMNS, else the terminal's, else \
            \(TerminalOutput.defaultWidth). Colour only on a terminal, and never when NO_COLOR is set.
            Exit status: 0 when every line was used; 1 when some lines were bad (they are listed \
            on standard error as file:line and the figures cover the other lines) or --trace \
            matches no trace.
            """
    )

    @Argument(help: "An ATOF or OTLP/JSON JSON-lines file, or - for standard input.")
    var input: String

    @Option(help: "Only this trace: its 32-hex id, or a prefix only it has. The figures then cover it alone.")
    var trace: String?

    @Flag(help: "Print the figures as JSON (stable key order) instead of text.")
    var json = false

    @Option(help: "Lay the text out for this many columns (at least \(TerminalOutput.minimumWidth)).")
    var width: Int?

    @Flag(help: "Draw the tree of every trace, not only the first \(StatsReport.defaultTraceLimit).")
    var allTraces = false

    @OptionGroup var reading: InputFlags

    func validate() throws {
        if let width, width < TerminalOutput.minimumWidth {
            throw ValidationError("--width must be at least \(TerminalOutput.minimumWidth) columns")
        }
    }

    func run() throws {
        let statsInput = try CommandFailure.reportingInput {
            try StatsInput.read(path: input, input: reading.options(ProcessEnvironment.current))
        }
        for message in statsInput.badLineMessages { printError(message) }
        if statsInput.badLineCount > 0 {
            printError(
                "atof-bridge: \(plural(statsInput.badLineCount, "bad line")) skipped (listed above); "
                    + "the figures cover the other lines")
        }
        let report: StatsReport
        do {
            report = try StatsReport(input: statsInput, traceID: trace, allTraces: allTraces, inputName: input)
        } catch {
            printError("atof-bridge: \(error)")
            throw ExitCode.failure
        }
        if json {
            print(StatsJSON(report: report).value().prettyJSON(indentation: 2))
        } else {
            let output = TerminalOutput.detect(width: width, environment: ProcessEnvironment.current)
            var text = ""
            for line in StatsText(report: report, width: output.width).lines() {
                text += line.rendered(colour: output.colour) + "\n"
            }
            print(text, terminator: "")
        }
        if statsInput.badLineCount > 0 { throw ExitCode.failure }
    }
}
