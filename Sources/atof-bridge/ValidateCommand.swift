import ATOF
import ATOFBridge
import ArgumentParser

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check an ATOF (or foreign agent event) JSON-lines file and list every problem with its line number.",
        discussion: """
            Prints one line per problem (file:line: error|warning: message), then counts of \
            unended, unmatched, duplicate and orphan scopes and marks, then the lines of each format \
            (ATOF, the foreign agent event formats, unknown).
            Exit status: 1 when some lines are errors (not usable events), 0 when there are only \
            warnings or none.
            """
    )

    @Argument(help: "The ATOF JSON-lines file, or - for standard input.")
    var input: String

    @OptionGroup var mapping: MappingFlags

    @OptionGroup var reading: InputFlags

    func run() throws {
        let conversion = try runConversion(input: input, mapping: mapping, reading: reading)
        for diagnostic in conversion.diagnostics {
            print(diagnostic)
        }
        let report = conversion.report
        print(
            "unended: \(report.unended), unmatched: \(report.unmatchedEnds), duplicate: \(report.duplicateStarts), "
                + "orphan: \(report.orphanMarks), clock skew: \(report.clockSkews), parent cycles: \(report.parentCycles), "
                + "marks reusing a scope uuid: \(report.marksReusingScopeUUIDs)")
        print("lines by format: \(conversion.formatCounts.summary)")
        printSummary(conversion, verbose: true)
        if conversion.badLineCount > 0 { throw ExitCode(1) }
    }
}
